/**
 * The one permission catalog. The server's `@Authenticated({ permission })` guard and the portal's
 * `can()` helper both read it, so what the portal hides is exactly what the server refuses.
 *
 * Global permissions depend on the user's global role (Administrator or Standard user) and on team
 * leadership. Environment permissions are granted by the per-environment role in an access policy
 * (enforced once environments exist); the Administrator holds all of them everywhere.
 */

/** Global role of a user, Portainer's numbering (`User.Role`). */
export enum UserRole {
  Administrator = 1,
  StandardUser = 2,
}

/** Team membership role, Portainer's numbering (`TeamMembership.Role`). */
export enum MembershipRole {
  Leader = 1,
  Member = 2,
}

export enum Permission {
  // Global: every authenticated user
  AccountRead = 'account:read',
  AccountUpdate = 'account:update',
  ApiKeysManageOwn = 'api-keys:manage-own',
  SystemRead = 'system:read',
  TagsRead = 'tags:read',
  EnvironmentsList = 'environments:list',
  TeamsReadOwn = 'teams:read-own',
  // Global: team leaders (for the teams they lead) and administrators
  TeamMembersManage = 'team-members:manage',
  UsersList = 'users:list',
  // Global: administrators only
  UsersManage = 'users:manage',
  TeamsManage = 'teams:manage',
  SettingsRead = 'settings:read',
  SettingsUpdate = 'settings:update',
  RolesRead = 'roles:read',
  AuditRead = 'audit:read',
  EnvironmentsManage = 'environments:manage',
  ResourceControlsManage = 'resource-controls:manage',
  RegistriesManage = 'registries:manage',
  // Global, every authenticated user; the service decides which controls each may change
  ResourceControlsUpdate = 'resource-controls:update',

  // Environment-scoped (granted by an access-policy role on an environment or its group)
  EnvironmentRead = 'environment:read',
  ResourcesReadAll = 'environment:resources:read-all',
  ResourcesRead = 'environment:resources:read',
  ContainerConsole = 'environment:container:console',
  ContainerLifecycle = 'environment:container:lifecycle',
  ResourcesCreate = 'environment:resources:create',
  ResourcesManageOwned = 'environment:resources:manage-owned',
  ResourcesManageAll = 'environment:resources:manage-all',
  EnvironmentSettings = 'environment:settings',
}

/** Who holds a global permission. */
export type GlobalGrant = 'authenticated' | 'leader' | 'admin';

export const GLOBAL_PERMISSIONS: Readonly<Partial<Record<Permission, GlobalGrant>>> = {
  [Permission.AccountRead]: 'authenticated',
  [Permission.AccountUpdate]: 'authenticated',
  [Permission.ApiKeysManageOwn]: 'authenticated',
  [Permission.SystemRead]: 'authenticated',
  [Permission.TagsRead]: 'authenticated',
  [Permission.EnvironmentsList]: 'authenticated',
  [Permission.TeamsReadOwn]: 'authenticated',
  [Permission.TeamMembersManage]: 'leader',
  [Permission.UsersList]: 'leader',
  [Permission.UsersManage]: 'admin',
  [Permission.TeamsManage]: 'admin',
  [Permission.SettingsRead]: 'admin',
  [Permission.SettingsUpdate]: 'admin',
  [Permission.RolesRead]: 'admin',
  [Permission.AuditRead]: 'admin',
  [Permission.EnvironmentsManage]: 'admin',
  [Permission.ResourceControlsManage]: 'admin',
  [Permission.RegistriesManage]: 'admin',
  [Permission.ResourceControlsUpdate]: 'authenticated',
};

/** Per-environment roles. IDs 1–4 are Portainer CE's; Operator (5) is Portainer BE's extra role. */
export enum EnvironmentRoleId {
  EnvironmentAdministrator = 1,
  Helpdesk = 2,
  StandardUser = 3,
  ReadOnlyUser = 4,
  Operator = 5,
}

export interface EnvironmentRoleDefinition {
  readonly id: EnvironmentRoleId;
  readonly name: string;
  readonly description: string;
  /** Lower number wins when a user holds several roles on one environment through teams. */
  readonly priority: number;
  readonly permissions: readonly Permission[];
  /** Why a change this role does not allow is refused (the `details` of the server's 403). */
  readonly refusal: string;
}

const READ_ONLY: readonly Permission[] = [Permission.EnvironmentRead, Permission.ResourcesRead];
const STANDARD: readonly Permission[] = [
  ...READ_ONLY,
  Permission.ContainerConsole,
  Permission.ResourcesCreate,
  Permission.ResourcesManageOwned,
];
const HELPDESK: readonly Permission[] = [
  ...READ_ONLY,
  Permission.ResourcesReadAll,
  Permission.ContainerConsole,
];
const OPERATOR: readonly Permission[] = [...HELPDESK, Permission.ContainerLifecycle];
const ENV_ADMIN: readonly Permission[] = [
  ...OPERATOR,
  Permission.ResourcesCreate,
  Permission.ResourcesManageOwned,
  Permission.ResourcesManageAll,
  Permission.EnvironmentSettings,
];

export const ENVIRONMENT_ROLES: readonly EnvironmentRoleDefinition[] = [
  {
    id: EnvironmentRoleId.EnvironmentAdministrator,
    name: 'Environment administrator',
    description: 'Full control of all resources in an environment',
    priority: 1,
    permissions: ENV_ADMIN,
    refusal: 'Your role does not allow this',
  },
  {
    id: EnvironmentRoleId.Operator,
    name: 'Operator',
    description: 'Operational control of all existing resources in an environment',
    priority: 2,
    permissions: OPERATOR,
    refusal: 'Operators manage the lifecycle of existing resources only',
  },
  {
    id: EnvironmentRoleId.Helpdesk,
    name: 'Helpdesk',
    description: 'Read-only access to all resources in an environment, plus container consoles',
    priority: 3,
    permissions: HELPDESK,
    refusal: 'Helpdesk users have read-only access (and consoles)',
  },
  {
    id: EnvironmentRoleId.StandardUser,
    name: 'Standard user',
    description: 'Full control of assigned resources in an environment',
    priority: 4,
    permissions: STANDARD,
    refusal: 'Your role does not allow this',
  },
  {
    id: EnvironmentRoleId.ReadOnlyUser,
    name: 'Read-only user',
    description: 'Read-only access of assigned resources in an environment',
    priority: 5,
    permissions: READ_ONLY,
    refusal: 'Read-only users cannot change resources',
  },
];

/** What the guard and the portal know about the caller. */
export interface Principal {
  readonly role: UserRole;
  readonly isTeamLeader: boolean;
}

export function isGlobalPermission(permission: Permission): boolean {
  return GLOBAL_PERMISSIONS[permission] !== undefined;
}

/** Whether a principal holds a global permission. Environment permissions need an environment role. */
export function hasGlobalPermission(principal: Principal, permission: Permission): boolean {
  const grant = GLOBAL_PERMISSIONS[permission];
  if (grant === undefined) return principal.role === UserRole.Administrator;
  switch (grant) {
    case 'authenticated':
      return true;
    case 'leader':
      return principal.role === UserRole.Administrator || principal.isTeamLeader;
    case 'admin':
      return principal.role === UserRole.Administrator;
  }
}

/** Whether an environment role grants an environment permission. Administrators hold every one. */
export function environmentRoleGrants(
  principal: Principal,
  roleId: EnvironmentRoleId | undefined,
  permission: Permission,
): boolean {
  if (principal.role === UserRole.Administrator) return true;
  if (roleId === undefined) return false;
  const role = ENVIRONMENT_ROLES.find((r) => r.id === roleId);
  return role !== undefined && role.permissions.includes(permission);
}
