import {
  ENVIRONMENT_ROLES,
  EnvironmentRoleId,
  environmentRoleGrants,
  Permission,
  UserRole,
  type ResourceControlBody,
} from '@capstan/contracts-api';

/** What the access check needs to know about an environment: the environments module hands it over. */
export interface EnvironmentRef {
  readonly id: number;
  readonly groupId: number;
}

/** Who asks: the authenticated user as the access check sees them. */
export interface AccessPrincipal {
  readonly id: number;
  readonly role: UserRole;
  readonly isTeamLeader: boolean;
}

/**
 * A resource the permission is asked on. `control`: its resource control (`undefined` when none applies — then
 * only administrators and roles that see every resource reach it). `createdBy`: a thing owned by its creator
 * (a webhook) rather than by a resource control.
 */
export type OwnedResource =
  { readonly control: ResourceControlBody | undefined } | { readonly createdBy: number | null };

/** The agent's volume browser for a caller on an environment. */
export type VolumeBrowseAccess = 'none' | 'read' | 'write';

/**
 * One principal's access to one environment: the effective role (none for administrators, who hold every
 * permission), the principal's teams (for ownership). Pure: built by `AccessService`, unit-tested alone.
 *
 * The rules, from the permission catalog only (no role-id switch):
 * - a permission is granted by the effective role (`environmentRoleGrants`);
 * - on a resource, roles that see every resource (`environment:resources:read-all`) are not limited by
 *   ownership; the others reach only what the resource's control grants them or one of their teams
 *   (Portainer's `UserCanAccessResource`): public, listed user, listed team; never administrators-only, and no
 *   control at all means administrators (and read-all roles) only.
 */
export class EnvironmentAccess {
  constructor(
    readonly environmentId: number,
    readonly principal: AccessPrincipal,
    /** Effective role on the environment; `undefined` for administrators. */
    readonly roleId: EnvironmentRoleId | undefined,
    readonly teamIds: readonly number[],
  ) {}

  get administrator(): boolean {
    return this.principal.role === UserRole.Administrator;
  }

  /** The role shown to the caller (administrators: Environment administrator). */
  get displayedRoleId(): EnvironmentRoleId {
    return this.roleId ?? EnvironmentRoleId.EnvironmentAdministrator;
  }

  /** The permission strings of the role shown to the caller, for the portal to hide what it forbids. */
  get permissions(): Permission[] {
    const role = ENVIRONMENT_ROLES.find((r) => r.id === this.displayedRoleId);
    return role ? [...role.permissions] : [];
  }

  /** Whether the role grants a permission on the environment (administrators hold every one). */
  can(permission: Permission): boolean {
    return environmentRoleGrants(this.principal, this.roleId, permission);
  }

  /** Every resource visible, ownership does not limit: administrators, Environment administrators, Operator, Helpdesk. */
  get seesEveryResource(): boolean {
    return this.can(Permission.ResourcesReadAll);
  }

  /** Every resource changeable: administrators and Environment administrators. */
  get managesEveryResource(): boolean {
    return this.can(Permission.ResourcesManageAll);
  }

  /** The one question: may the principal do `permission` here, and on `resource` when one is named. */
  may(permission: Permission, resource?: OwnedResource): boolean {
    if (!this.can(permission)) return false;
    if (resource === undefined || this.seesEveryResource) return true;
    return this.owns(resource);
  }

  /** Whether the resource's ownership reaches the principal (regardless of role). */
  owns(resource: OwnedResource): boolean {
    if ('createdBy' in resource) return resource.createdBy === this.principal.id;
    return controlGrants(resource.control, this.principal.id, this.teamIds);
  }

  /** Why a change was refused, in the role's words (the catalog's `refusal`). */
  get refusal(): string {
    return ENVIRONMENT_ROLES.find((r) => r.id === this.roleId)?.refusal ?? 'Your role does not allow this';
  }

  /**
   * Volume browsing through an agent (Portainer: `/v2/browse/*?volumeID=`). Administrators always; every other
   * user only when the environment's AllowVolumeBrowserForRegularUsers is on (Portainer checks it for
   * environment administrators too). Writing files (upload, delete, rename) is changing a resource: roles that
   * manage what they own or run the lifecycle of what exists (Standard user, Operator, Environment
   * administrator); the others read (list, download). Which volumes a Standard or Read-only user may browse is
   * decided per volume by its resource control.
   */
  volumeBrowse(isAgent: boolean, allowVolumeBrowserForRegularUsers: boolean): VolumeBrowseAccess {
    if (!isAgent) return 'none';
    if (this.administrator) return 'write';
    if (!allowVolumeBrowserForRegularUsers) return 'none';
    return this.can(Permission.ResourcesManageOwned) || this.can(Permission.ContainerLifecycle)
      ? 'write'
      : 'read';
  }
}

/**
 * Portainer's `UserCanAccessResource` for a caller limited by ownership: no control = administrators only;
 * administrators-only controls are hidden; otherwise public, a listed user, or one of the caller's teams.
 */
export function controlGrants(
  control: ResourceControlBody | undefined,
  userId: number,
  teamIds: readonly number[],
): boolean {
  if (!control || control.AdministratorsOnly) return false;
  if (control.Public) return true;
  if (control.UserAccesses.some((u) => u.UserId === userId)) return true;
  return control.TeamAccesses.some((t) => teamIds.includes(t.TeamId));
}
