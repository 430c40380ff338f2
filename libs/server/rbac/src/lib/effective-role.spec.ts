import { describe, expect, it } from 'vitest';
import { EnvironmentRoleId } from '@capstan/contracts-api';
import { effectiveRole } from './access-policies';

const row = (
  o: Partial<{ environmentId: number; groupId: number; userId: number; teamId: number }>,
  roleId: EnvironmentRoleId,
) => ({
  environmentId: o.environmentId ?? null,
  groupId: o.groupId ?? null,
  userId: o.userId ?? null,
  teamId: o.teamId ?? null,
  roleId,
});

describe('effectiveRole', () => {
  it('prefers user on environment, then user on group, then team on environment, then team on group', () => {
    const teamOnGroup = row({ teamId: 1, groupId: 1 }, EnvironmentRoleId.EnvironmentAdministrator);
    const teamOnEnv = row({ teamId: 1, environmentId: 1 }, EnvironmentRoleId.Operator);
    const userOnGroup = row({ userId: 1, groupId: 1 }, EnvironmentRoleId.Helpdesk);
    const userOnEnv = row({ userId: 1, environmentId: 1 }, EnvironmentRoleId.ReadOnlyUser);
    expect(effectiveRole([teamOnGroup, teamOnEnv, userOnGroup, userOnEnv])).toBe(
      EnvironmentRoleId.ReadOnlyUser,
    );
    expect(effectiveRole([teamOnGroup, teamOnEnv, userOnGroup])).toBe(EnvironmentRoleId.Helpdesk);
    expect(effectiveRole([teamOnGroup, teamOnEnv])).toBe(EnvironmentRoleId.Operator);
    expect(effectiveRole([teamOnGroup])).toBe(EnvironmentRoleId.EnvironmentAdministrator);
    expect(effectiveRole([])).toBeUndefined();
  });

  it('takes the least powerful role among teams at the same level', () => {
    expect(
      effectiveRole([
        row({ teamId: 1, environmentId: 1 }, EnvironmentRoleId.EnvironmentAdministrator),
        row({ teamId: 2, environmentId: 1 }, EnvironmentRoleId.StandardUser),
      ]),
    ).toBe(EnvironmentRoleId.StandardUser);
  });
});
