import { type EnvironmentRoleId, UserRole } from '@capstan/contracts-api';
import { type AccessPrincipal, EnvironmentAccess } from './environment-access';

/**
 * Test data: an access with a given role (`undefined`: an administrator), user 7 unless told, teams as given.
 * Specs only; not exported from the lib.
 */
export function accessForRole(
  roleId: EnvironmentRoleId | undefined,
  opts: { userId?: number; teamIds?: readonly number[]; environmentId?: number } = {},
): EnvironmentAccess {
  const principal: AccessPrincipal = {
    id: opts.userId ?? 7,
    role: roleId === undefined ? UserRole.Administrator : UserRole.StandardUser,
    isTeamLeader: false,
  };
  return new EnvironmentAccess(opts.environmentId ?? 1, principal, roleId, opts.teamIds ?? []);
}
