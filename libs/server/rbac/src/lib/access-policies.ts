import { ENVIRONMENT_ROLES, type EnvironmentRoleId } from '@capstan/contracts-api';
import { BadRequestError } from '@capstan/server-core';
import type { AccessPolicyEntity } from './entities/access-policy.entity';

/** Portainer's wire shape of access policies: `{ "<user or team id>": { "RoleId": n } }`. */
export type PolicyMap = Record<string, { RoleId: number }>;

/** One policy row as plain data: a role for one user or team on one environment or group. */
export type PolicyRow = Omit<AccessPolicyEntity, 'id'>;

/** Where policies hang: one environment or one group. */
export type PolicyTarget = { environmentId: number } | { groupId: number };

/** Portainer's precedence over the policies that reach one user on one environment. */
export function effectiveRole(
  rows: Pick<PolicyRow, 'environmentId' | 'groupId' | 'userId' | 'teamId' | 'roleId'>[],
): EnvironmentRoleId | undefined {
  const levels = [
    rows.filter((r) => r.userId !== null && r.environmentId !== null),
    rows.filter((r) => r.userId !== null && r.groupId !== null),
    rows.filter((r) => r.teamId !== null && r.environmentId !== null),
    rows.filter((r) => r.teamId !== null && r.groupId !== null),
  ];
  const priority = (id: EnvironmentRoleId) => ENVIRONMENT_ROLES.find((r) => r.id === id)?.priority ?? 0;
  for (const level of levels) {
    if (level.length === 0) continue;
    return level.map((r) => r.roleId).reduce((a, b) => (priority(b) > priority(a) ? b : a));
  }
  return undefined;
}

/** Validates Portainer's `{ "<id>": { "RoleId": n } }` maps into rows for one environment or group. */
export function policyRows(
  target: { environmentId: number | null; groupId: number | null },
  users: PolicyMap | undefined,
  teams: PolicyMap | undefined,
): PolicyRow[] {
  const rows: PolicyRow[] = [];
  const add = (map: PolicyMap | undefined, kind: 'user' | 'team') => {
    for (const [key, value] of Object.entries(map ?? {})) {
      const principal = Number(key);
      const roleId = Number((value as { RoleId?: unknown } | null)?.RoleId);
      if (!Number.isInteger(principal) || principal < 1) {
        throw new BadRequestError('Invalid access policies', `"${key.slice(0, 20)}" is not a ${kind} id`);
      }
      const role = ENVIRONMENT_ROLES.find((r) => Number(r.id) === roleId);
      if (!role) {
        throw new BadRequestError(
          'Invalid access policies',
          `RoleId for ${kind} ${principal} must be one of 1–5`,
        );
      }
      rows.push({
        ...target,
        userId: kind === 'user' ? principal : null,
        teamId: kind === 'team' ? principal : null,
        roleId: role.id,
      });
    }
  };
  add(users, 'user');
  add(teams, 'team');
  return rows;
}

export function policyMaps(rows: readonly PolicyRow[]): { users: PolicyMap; teams: PolicyMap } {
  const users: PolicyMap = {};
  const teams: PolicyMap = {};
  for (const r of rows) {
    if (r.userId !== null) users[String(r.userId)] = { RoleId: r.roleId };
    if (r.teamId !== null) teams[String(r.teamId)] = { RoleId: r.roleId };
  }
  return { users, teams };
}
