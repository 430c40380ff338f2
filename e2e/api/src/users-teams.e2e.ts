import { describe, expect, it } from 'vitest';
import { createUser, expectApiError, uniqueName, withAdminServer } from './support/fixtures';

interface Team {
  Id: number;
  Name: string;
}
interface Membership {
  Id: number;
  UserID: number;
  TeamID: number;
  Role: number;
}

describe('users and teams', () => {
  const env = withAdminServer();

  it('creates users with Portainer-shaped replies and case-insensitive unique names', async () => {
    const name = uniqueName('Alice');
    const r = await env.server.request<Record<string, unknown>>('POST', '/api/users', {
      token: env.admin,
      body: { Username: name, Password: 'a-long-enough-password', Role: 2 },
    });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual([
      'Id',
      'Role',
      'ThemeSettings',
      'TokenIssueAt',
      'UseCache',
      'Username',
    ]);
    expect(r.text).not.toMatch(/password/i);
    expectApiError(
      await env.server.request('POST', '/api/users', {
        token: env.admin,
        body: { username: name.toLowerCase(), password: 'a-long-enough-password', role: 2 },
      }),
      409,
    );
    expectApiError(
      await env.server.request('POST', '/api/users', {
        token: env.admin,
        body: { username: uniqueName('x'), password: 'short', role: 2 },
      }),
      400,
    );
    expectApiError(
      await env.server.request('POST', '/api/users', {
        token: env.admin,
        body: { username: uniqueName('x'), password: 'a-long-enough-password', role: 7 },
      }),
      400,
      /Invalid request payload/,
    );
    const list = await env.server.request<unknown[]>('GET', '/api/users', { token: env.admin });
    expect(Number(list.headers.get('x-total-count'))).toBe(list.body.length);
  });

  it('creates a user with the teams they join as one record: both, or neither on a bad team', async () => {
    const team = await env.server.request<Team>('POST', '/api/teams', {
      token: env.admin,
      body: { Name: uniqueName('joiners') },
    });
    expect(team.status).toBe(200);
    const name = uniqueName('joiner');
    const made = await env.server.request<{ Id: number }>('POST', '/api/users', {
      token: env.admin,
      body: { Username: name, Password: 'a-long-enough-password', Role: 2, TeamIds: [team.body.Id] },
    });
    expect(made.status).toBe(200);
    const members = await env.server.request<Membership[]>('GET', `/api/teams/${team.body.Id}/memberships`, {
      token: env.admin,
    });
    expect(members.body.map((m) => [m.UserID, m.Role])).toEqual([[made.body.Id, 2]]);

    const refused = uniqueName('nobody');
    for (const teamIds of [[team.body.Id, 2_000_000_000], ['x'], 3]) {
      expectApiError(
        await env.server.request('POST', '/api/users', {
          token: env.admin,
          body: { username: refused, password: 'a-long-enough-password', role: 2, teamIds },
        }),
        400,
      );
    }
    const users = await env.server.request<{ Username: string }[]>('GET', '/api/users', { token: env.admin });
    expect(users.body.map((u) => u.Username)).not.toContain(refused);
  });

  it('refuses a standard user on every env.admin route, and lets them manage their own account', async () => {
    const user = await createUser(env.server, env.admin);
    const forbidden: [string, string, unknown?][] = [
      ['GET', '/api/users'],
      ['POST', '/api/users', { username: uniqueName('x'), password: 'a-long-enough-password', role: 1 }],
      ['DELETE', '/api/users/1'],
      ['GET', '/api/settings'],
      ['PUT', '/api/settings', { UserSessionTimeout: '1h' }],
      ['GET', '/api/audit/auth-logs'],
      ['GET', '/api/audit/activity-logs/export'],
      ['GET', '/api/roles'],
      ['POST', '/api/teams', { name: uniqueName('t') }],
      ['GET', '/api/users/1'],
      ['GET', '/api/team_memberships'],
    ];
    for (const [method, path, body] of forbidden) {
      expectApiError(await env.server.request(method, path, { token: user.token, body }), 403);
    }
    // Self-service is allowed; escalation is not.
    const theme = await env.server.request<{ ThemeSettings: { color: string } }>(
      'PUT',
      `/api/users/${user.id}`,
      {
        token: user.token,
        body: { theme: { color: 'dark' } },
      },
    );
    expect(theme.status).toBe(200);
    expect(theme.body.ThemeSettings.color).toBe('dark');
    expectApiError(
      await env.server.request('PUT', `/api/users/${user.id}`, { token: user.token, body: { role: 1 } }),
      403,
    );
    expectApiError(
      await env.server.request('PUT', `/api/users/${user.id}`, {
        token: user.token,
        body: { theme: { color: 'purple' } },
      }),
      400,
    );
    expect((await env.server.request('GET', `/api/users/${user.id}`, { token: user.token })).status).toBe(
      200,
    );
  });

  it('protects the initial administrator and forbids deleting yourself', async () => {
    const second = await createUser(env.server, env.admin, 1);
    expectApiError(
      await env.server.request('DELETE', '/api/users/1', { token: second.token }),
      403,
      /Permission denied/,
    );
    expectApiError(
      await env.server.request('DELETE', `/api/users/${second.id}`, { token: second.token }),
      403,
    );
    expectApiError(
      await env.server.request('PUT', '/api/users/1', { token: second.token, body: { role: 2 } }),
      403,
    );
    expectApiError(await env.server.request('DELETE', '/api/users/999999', { token: env.admin }), 404);
    expect((await env.server.request('DELETE', `/api/users/${second.id}`, { token: env.admin })).status).toBe(
      204,
    );
    expectApiError(await env.server.request('GET', '/api/users/me', { token: second.token }), 401);
  });

  it("lets team leaders manage their own team's members only", async () => {
    const leader = await createUser(env.server, env.admin);
    const member = await createUser(env.server, env.admin);
    const outsider = await createUser(env.server, env.admin);
    const team = await env.server.request<Team>('POST', '/api/teams', {
      token: env.admin,
      body: { Name: uniqueName('devs'), TeamLeaders: [leader.id] },
    });
    expect(team.status).toBe(200);
    const other = await env.server.request<Team>('POST', '/api/teams', {
      token: env.admin,
      body: { name: uniqueName('ops') },
    });
    expectApiError(
      await env.server.request('POST', '/api/teams', {
        token: env.admin,
        body: { name: team.body.Name.toUpperCase() },
      }),
      409,
    );

    // The leader sees the team and can add a member...
    const led = await env.server.request<Team[]>('GET', '/api/teams?onlyLedTeams=true', {
      token: leader.token,
    });
    expect(led.body.map((t) => t.Id)).toEqual([team.body.Id]);
    const add = await env.server.request<Membership>('POST', '/api/team_memberships', {
      token: leader.token,
      body: { UserID: member.id, TeamID: team.body.Id, Role: 2 },
    });
    expect(add.status).toBe(200);
    expectApiError(
      await env.server.request('POST', '/api/team_memberships', {
        token: leader.token,
        body: { userID: member.id, teamID: team.body.Id, role: 2 },
      }),
      409,
    );
    // ...but not promote to leader, nor touch another team.
    expectApiError(
      await env.server.request('POST', '/api/team_memberships', {
        token: leader.token,
        body: { userID: outsider.id, teamID: team.body.Id, role: 1 },
      }),
      403,
    );
    expectApiError(
      await env.server.request('POST', '/api/team_memberships', {
        token: leader.token,
        body: { userID: outsider.id, teamID: other.body.Id, role: 2 },
      }),
      403,
    );
    expectApiError(
      await env.server.request('GET', `/api/teams/${other.body.Id}/memberships`, { token: leader.token }),
      403,
    );
    // A plain member sees their team, but cannot manage it.
    const mine = await env.server.request<Team[]>('GET', '/api/teams', { token: member.token });
    expect(mine.body.map((t) => t.Id)).toEqual([team.body.Id]);
    expectApiError(
      await env.server.request('GET', `/api/teams/${team.body.Id}/memberships`, { token: member.token }),
      403,
    );
    expect(
      (
        await env.server.request<Membership[]>('GET', `/api/users/${member.id}/memberships`, {
          token: member.token,
        })
      ).body,
    ).toHaveLength(1);

    const members = await env.server.request<Membership[]>('GET', `/api/teams/${team.body.Id}/memberships`, {
      token: leader.token,
    });
    expect(members.body.map((m) => [m.UserID, m.Role]).sort()).toEqual(
      [
        [leader.id, 1],
        [member.id, 2],
      ].sort(),
    );
    expect(
      (await env.server.request('DELETE', `/api/team_memberships/${add.body.Id}`, { token: leader.token }))
        .status,
    ).toBe(204);

    // Deleting a team removes its memberships; leadership ends with it.
    expect(
      (await env.server.request('DELETE', `/api/teams/${team.body.Id}`, { token: env.admin })).status,
    ).toBe(204);
    expect(
      (
        await env.server.request<Membership[]>('GET', `/api/users/${leader.id}/memberships`, {
          token: leader.token,
        })
      ).body,
    ).toEqual([]);
    expectApiError(await env.server.request('GET', '/api/team_memberships', { token: leader.token }), 403);
  });

  it('lists the environment roles of the catalog', async () => {
    const r = await env.server.request<
      { Id: number; Name: string; Priority: number; Authorizations: Record<string, boolean> }[]
    >('GET', '/api/roles', { token: env.admin });
    expect(r.body.map((x) => x.Name)).toEqual([
      'Environment administrator',
      'Helpdesk',
      'Standard user',
      'Read-only user',
      'Operator',
    ]);
    expect(r.body[0].Authorizations['environment:resources:manage-all']).toBe(true);
    expect(r.body[3].Authorizations['environment:resources:create']).toBeUndefined();
  });
});
