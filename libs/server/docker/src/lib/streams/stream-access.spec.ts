import { describe, expect, it } from 'vitest';
import { EnvironmentRoleId, UserRole } from '@capstan/contracts-api';
import { ForbiddenError, type AuthenticatedUser } from '@capstan/server-core';
import { EnvironmentAccess } from '@capstan/server-rbac';
import { RoleStreamAccessPolicy, type StreamCaller } from './stream-access';

function caller(role: UserRole, roleId: EnvironmentRoleId | undefined): StreamCaller {
  const user = { id: 7, username: 'u', role, isTeamLeader: false } as unknown as AuthenticatedUser;
  return { user, envId: 1, access: new EnvironmentAccess(1, user, roleId, []) };
}

const policy = new RoleStreamAccessPolicy();
const container = { Id: 'abc', Config: { Tty: false, Labels: {} } };

async function outcome(c: StreamCaller): Promise<string[]> {
  const results: string[] = [];
  for (const kind of ['logs', 'stats'] as const)
    results.push(
      await policy.assertContainerReadable(c, kind, container).then(
        () => 'ok',
        (e: unknown) => (e instanceof ForbiddenError ? '403' : String(e)),
      ),
    );
  results.push(
    await policy.eventFilter(c).then(
      (filter) => (filter({ Type: 'container', Action: 'start' }) === true ? 'all events' : 'filtered'),
      (e: unknown) => (e instanceof ForbiddenError ? '403' : String(e)),
    ),
  );
  return results;
}

describe('RoleStreamAccessPolicy (before ownership)', () => {
  it('gives logs, stats and every event to roles that see every resource', async () => {
    expect(await outcome(caller(UserRole.Administrator, undefined))).toEqual(['ok', 'ok', 'all events']);
    for (const role of [
      EnvironmentRoleId.EnvironmentAdministrator,
      EnvironmentRoleId.Operator,
      EnvironmentRoleId.Helpdesk,
    ])
      expect(await outcome(caller(UserRole.StandardUser, role))).toEqual(['ok', 'ok', 'all events']);
  });

  it('refuses Standard and Read-only users (they may only see what they own) and users without a role', async () => {
    for (const role of [EnvironmentRoleId.StandardUser, EnvironmentRoleId.ReadOnlyUser, undefined])
      expect(await outcome(caller(UserRole.StandardUser, role))).toEqual(['403', '403', '403']);
  });
});
