import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createUser, expectApiError, uniqueName, withAdminServer } from './support/fixtures';

interface ActivityLog {
  username: string;
  method: string;
  path: string;
  status: number;
  payload: string;
  description: string;
  requestId: string;
}

describe('settings and audit', () => {
  const env = withAdminServer();

  it('reads and partially updates settings, and validates them', async () => {
    const s = await env.server.request<Record<string, unknown>>('GET', '/api/settings', { token: env.admin });
    expect(s.body).toMatchObject({
      UserSessionTimeout: '8h',
      InternalAuthSettings: { RequiredPasswordLength: 12 },
      AuditLogRetentionDays: 90,
      SnapshotInterval: '5m',
      SnapshotConcurrency: 8,
      SnapshotTimeout: '10s',
    });
    const snapshots = await env.server.request<Record<string, unknown>>('PUT', '/api/settings', {
      token: env.admin,
      body: { SnapshotConcurrency: 2, SnapshotTimeout: '30s' },
    });
    expect(snapshots.body).toMatchObject({ SnapshotConcurrency: 2, SnapshotTimeout: '30s' });
    const updated = await env.server.request<Record<string, unknown>>('PUT', '/api/settings', {
      token: env.admin,
      body: { userSessionTimeout: '2h', internalAuthSettings: { requiredPasswordLength: 16 } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      UserSessionTimeout: '2h',
      InternalAuthSettings: { RequiredPasswordLength: 16 },
      AuditLogRetentionDays: 90,
    });
    expect(
      (await env.server.request<{ RequiredPasswordLength: number }>('GET', '/api/settings/public')).body
        .RequiredPasswordLength,
    ).toBe(16);

    // The new rule applies at once, and new sessions get the new lifetime.
    expectApiError(
      await env.server.request('POST', '/api/users', {
        token: env.admin,
        body: { username: uniqueName('u'), password: 'fifteen-chars!!', role: 2 },
      }),
      400,
      /Password/,
    );
    const login = await env.server.request<{ jwt: string }>('POST', '/api/auth', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const claims = JSON.parse(Buffer.from(login.body.jwt.split('.')[1], 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(2 * 3600);

    for (const bad of [
      { UserSessionTimeout: 'forever' },
      { UserSessionTimeout: '1s' },
      { InternalAuthSettings: { RequiredPasswordLength: 2 } },
      { AuditLogRetentionDays: 0 },
      { AuthenticationMethod: 9 },
      { SnapshotConcurrency: 0 },
      { SnapshotConcurrency: 65 },
      { SnapshotConcurrency: '4' },
      { SnapshotTimeout: '0s' },
      { SnapshotTimeout: '1h' },
    ]) {
      expectApiError(await env.server.request('PUT', '/api/settings', { token: env.admin, body: bad }), 400);
    }
    const after = await env.server.request<Record<string, unknown>>('GET', '/api/settings', {
      token: env.admin,
    });
    expect(after.body).toMatchObject({
      UserSessionTimeout: '2h',
      AuditLogRetentionDays: 90,
      SnapshotConcurrency: 2,
      SnapshotTimeout: '30s',
    });
    await env.server.request('PUT', '/api/settings', {
      token: env.admin,
      body: { UserSessionTimeout: '8h', InternalAuthSettings: { RequiredPasswordLength: 12 } },
    });
  });

  it('records every mutating request with secrets redacted, including refused ones', async () => {
    const user = await createUser(env.server, env.admin);
    await env.server.request('POST', '/api/teams', { token: user.token, body: { name: 'not-allowed' } });
    const page = await env.server.request<{ logs: ActivityLog[]; totalCount: number }>(
      'GET',
      `/api/audit/activity-logs?limit=200`,
      { token: env.admin },
    );
    expect(page.status).toBe(200);
    expect(Number(page.headers.get('x-total-count'))).toBe(page.body.totalCount);

    const created = page.body.logs.find(
      (l) => l.method === 'POST' && l.path === '/api/users' && l.payload.includes(user.username),
    );
    expect(created).toBeDefined();
    expect(created?.username).toBe('admin');
    expect(created?.status).toBe(200);
    expect(created?.payload).not.toContain(user.password);
    expect(created?.payload).toContain('[REDACTED]');
    expect(created?.requestId).toMatch(/.+/);

    const refused = page.body.logs.find((l) => l.path === '/api/teams' && l.username === user.username);
    expect(refused?.status).toBe(403);
    // Logins live in the auth log, not here.
    expect(page.body.logs.some((l) => l.path === '/api/auth')).toBe(false);
  });

  it('says what happened in words, the request kept as detail', async () => {
    const user = await createUser(env.server, env.admin);
    const container = randomBytes(32).toString('hex');
    const control = await env.server.request<{ Id: number }>('POST', '/api/resource_controls', {
      token: env.admin,
      body: { ResourceID: container, Type: 1, AdministratorsOnly: true },
    });
    expect(control.status, control.text).toBe(200);
    const changed = await env.server.request('PUT', `/api/resource_controls/${control.body.Id}`, {
      token: env.admin,
      body: { Public: true },
    });
    expect(changed.status, changed.text).toBe(200);
    const page = await env.server.request<{ logs: ActivityLog[] }>(
      'GET',
      '/api/audit/activity-logs?limit=200',
      {
        token: env.admin,
      },
    );
    const created = page.body.logs.find((l) => l.path === '/api/users' && l.payload.includes(user.username));
    expect(created?.description).toBe(`created user ${user.username}`);
    const ownership = page.body.logs.find((l) => l.path === `/api/resource_controls/${control.body.Id}`);
    expect(ownership?.description).toBe(`changed ownership of container ${container.slice(0, 12)}`);
    expect(ownership?.method).toBe('PUT');
    expect(ownership?.payload).toContain('"Public":true');
    // The words are searchable too.
    const found = await env.server.request<{ logs: ActivityLog[] }>(
      'GET',
      `/api/audit/activity-logs?keyword=${encodeURIComponent(`changed ownership of container ${container.slice(0, 12)}`)}`,
      { token: env.admin },
    );
    expect(found.body.logs.map((l) => l.path)).toEqual([`/api/resource_controls/${control.body.Id}`]);
  });

  it('filters by user, keyword and time, pages, and exports CSV', async () => {
    const user = await createUser(env.server, env.admin);
    const marker = uniqueName('marker');
    await env.server.request('PUT', `/api/users/${user.id}`, {
      token: user.token,
      body: { theme: { color: 'light' } },
    });
    await env.server.request('POST', '/api/teams', { token: env.admin, body: { name: marker } });

    const byUser = await env.server.request<{ logs: ActivityLog[] }>(
      'GET',
      `/api/audit/activity-logs?username=${user.username}`,
      { token: env.admin },
    );
    expect(byUser.body.logs.length).toBeGreaterThan(0);
    expect(byUser.body.logs.every((l) => l.username === user.username)).toBe(true);

    const byKeyword = await env.server.request<{ logs: ActivityLog[]; totalCount: number }>(
      'GET',
      `/api/audit/activity-logs?keyword=${marker}`,
      { token: env.admin },
    );
    expect(byKeyword.body.totalCount).toBe(1);

    const future = Math.floor(Date.now() / 1000) + 3600;
    const none = await env.server.request<{ totalCount: number }>(
      'GET',
      `/api/audit/activity-logs?after=${future}`,
      { token: env.admin },
    );
    expect(none.body.totalCount).toBe(0);

    const paged = await env.server.request<{ logs: ActivityLog[]; totalCount: number }>(
      'GET',
      '/api/audit/activity-logs?limit=2&offset=1',
      { token: env.admin },
    );
    expect(paged.body.logs).toHaveLength(2);
    expect(paged.body.totalCount).toBeGreaterThan(2);

    const csv = await fetch(`${env.server.baseUrl}/api/audit/activity-logs/export?keyword=${marker}`, {
      headers: { Authorization: `Bearer ${env.admin}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="capstan-activity-logs-/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('id,timestamp,username,userId,method,path,environmentId,status,payload,requestId');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(marker);

    const authCsv = await fetch(`${env.server.baseUrl}/api/audit/auth-logs/export?type=success`, {
      headers: { Authorization: `Bearer ${env.admin}` },
    });
    const authLines = (await authCsv.text()).trim().split('\n');
    expect(authLines[0]).toBe('id,timestamp,username,context,origin,type,reason');
    expect(authLines.slice(1).every((l) => l.endsWith(',success,'))).toBe(true);
    expect(authLines.length).toBeGreaterThan(1);
  });
});
