import { ENVIRONMENT_ROLES } from '@capstan/contracts-api';
import { BadRequestError } from '@capstan/server-core';
import type { AccessPolicyEntity } from './entities/access-policy.entity';

export type PolicyMap = Record<string, { RoleId: number }>;

/** Validates Portainer's `{ "<id>": { "RoleId": n } }` maps into rows for one environment or group. */
export function policyRows(
  target: { environmentId: number | null; groupId: number | null },
  users: PolicyMap | undefined,
  teams: PolicyMap | undefined,
): Omit<AccessPolicyEntity, 'id'>[] {
  const rows: Omit<AccessPolicyEntity, 'id'>[] = [];
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

export function policyMaps(rows: AccessPolicyEntity[]): { users: PolicyMap; teams: PolicyMap } {
  const users: PolicyMap = {};
  const teams: PolicyMap = {};
  for (const r of rows) {
    if (r.userId !== null) users[String(r.userId)] = { RoleId: r.roleId };
    if (r.teamId !== null) teams[String(r.teamId)] = { RoleId: r.roleId };
  }
  return { users, teams };
}

export function parseIdList(text: string | undefined, name: string): number[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let values: unknown[];
  try {
    values = text.trim().startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(',');
  } catch {
    throw new BadRequestError(
      'Invalid query parameter',
      `${name} must be a JSON array or a comma-separated list of numbers`,
    );
  }
  if (!Array.isArray(values)) throw new BadRequestError('Invalid query parameter', `${name} must be a list`);
  const ids = values.map((v) => Number(v));
  if (ids.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new BadRequestError('Invalid query parameter', `${name} must contain whole numbers only`);
  }
  return ids;
}
