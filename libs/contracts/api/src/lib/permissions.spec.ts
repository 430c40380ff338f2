import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENT_ROLES,
  EnvironmentRoleId,
  environmentRoleGrants,
  GLOBAL_PERMISSIONS,
  hasGlobalPermission,
  Permission,
  UserRole,
} from './permissions';

const admin = { role: UserRole.Administrator, isTeamLeader: false };
const standard = { role: UserRole.StandardUser, isTeamLeader: false };
const leader = { role: UserRole.StandardUser, isTeamLeader: true };

describe('permission catalog', () => {
  it('gives administrators every global permission', () => {
    for (const p of Object.keys(GLOBAL_PERMISSIONS) as Permission[])
      expect(hasGlobalPermission(admin, p)).toBe(true);
  });

  it('keeps administration away from standard users and leaders', () => {
    for (const p of [
      Permission.UsersManage,
      Permission.TeamsManage,
      Permission.SettingsUpdate,
      Permission.AuditRead,
      Permission.RolesRead,
    ]) {
      expect(hasGlobalPermission(standard, p)).toBe(false);
      expect(hasGlobalPermission(leader, p)).toBe(false);
    }
  });

  it('lets team leaders manage members, not plain users', () => {
    expect(hasGlobalPermission(leader, Permission.TeamMembersManage)).toBe(true);
    expect(hasGlobalPermission(standard, Permission.TeamMembersManage)).toBe(false);
    expect(hasGlobalPermission(standard, Permission.AccountUpdate)).toBe(true);
  });

  it('orders environment roles from most to least powerful', () => {
    const byPriority = [...ENVIRONMENT_ROLES].sort((a, b) => a.priority - b.priority).map((r) => r.id);
    expect(byPriority).toEqual([
      EnvironmentRoleId.EnvironmentAdministrator,
      EnvironmentRoleId.Operator,
      EnvironmentRoleId.Helpdesk,
      EnvironmentRoleId.StandardUser,
      EnvironmentRoleId.ReadOnlyUser,
    ]);
  });

  it('grants environment permissions by role', () => {
    expect(environmentRoleGrants(standard, EnvironmentRoleId.ReadOnlyUser, Permission.ResourcesCreate)).toBe(
      false,
    );
    expect(environmentRoleGrants(standard, EnvironmentRoleId.ReadOnlyUser, Permission.ResourcesRead)).toBe(
      true,
    );
    expect(environmentRoleGrants(standard, EnvironmentRoleId.Helpdesk, Permission.ContainerConsole)).toBe(
      true,
    );
    expect(environmentRoleGrants(standard, EnvironmentRoleId.Helpdesk, Permission.ContainerLifecycle)).toBe(
      false,
    );
    expect(environmentRoleGrants(standard, EnvironmentRoleId.Operator, Permission.ContainerLifecycle)).toBe(
      true,
    );
    expect(environmentRoleGrants(standard, EnvironmentRoleId.Operator, Permission.ResourcesCreate)).toBe(
      false,
    );
    expect(
      environmentRoleGrants(standard, EnvironmentRoleId.StandardUser, Permission.ResourcesManageAll),
    ).toBe(false);
    expect(
      environmentRoleGrants(
        standard,
        EnvironmentRoleId.EnvironmentAdministrator,
        Permission.ResourcesManageAll,
      ),
    ).toBe(true);
    expect(environmentRoleGrants(standard, undefined, Permission.EnvironmentRead)).toBe(false);
    expect(environmentRoleGrants(admin, undefined, Permission.ResourcesManageAll)).toBe(true);
  });
});
