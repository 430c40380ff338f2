import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, expectApiError, login } from './support/fixtures';
import { sleep, TestServer } from '@capstan/testing';

describe('first run', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('reports no admin, creates exactly one, then refuses another', async () => {
    server = await TestServer.start();
    expect((await server.request('GET', '/api/users/admin/check')).status).toBe(404);
    expectApiError(
      await server.request('POST', '/api/users/admin/init', {
        body: { username: 'admin', password: 'short' },
      }),
      400,
      /Password/,
    );
    expectApiError(
      await server.request('POST', '/api/users/admin/init', {
        body: { username: 'ad min', password: ADMIN_PASSWORD },
      }),
      400,
    );

    // Two racing initialisations: one wins, the other gets a conflict.
    const [a, b] = await Promise.all([
      server.request('POST', '/api/users/admin/init', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      }),
      server.request('POST', '/api/users/admin/init', {
        body: { username: 'root', password: ADMIN_PASSWORD },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((await server.request('GET', '/api/users/admin/check')).status).toBe(204);
    const token = await login(server, a.status === 200 ? 'admin' : 'root', ADMIN_PASSWORD);
    const users = await server.request<unknown[]>('GET', '/api/users', { token });
    expect(users.body).toHaveLength(1);
  });

  it('locks every route but status and public settings when no admin is created in time, until restart', async () => {
    // The window runs from the server's boot, which comes after `before`: the lock can never be seen sooner than
    // WINDOW_MS after it. Roomy enough that a loaded machine still asks inside it; then polled, not slept on.
    const WINDOW_MS = 5000;
    const before = Date.now();
    server = await TestServer.start({ env: { CAPSTAN_ADMIN_INIT_TIMEOUT: `${WINDOW_MS}ms` } });
    expect((await server.request('GET', '/api/users/admin/check')).status).toBe(404);
    let status = 404;
    while (status === 404 && Date.now() - before < WINDOW_MS + 30_000) {
      await sleep(100);
      status = (await server.request('GET', '/api/users/admin/check')).status;
    }
    expect(status).toBe(303);
    expect(Date.now() - before).toBeGreaterThanOrEqual(WINDOW_MS);
    const locked = await server.request('POST', '/api/users/admin/init', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(locked.status).toBe(303);
    expect(locked.headers.get('redirect-reason')).toBe('AdminInitTimeout');
    expect((locked.body as { details: string }).details).toMatch(/Restart/);
    expect((await server.request('GET', '/api/users/admin/check')).status).toBe(303);
    expect((await server.request('GET', '/api/system/status')).status).toBe(200);
    expect((await server.request('GET', '/api/settings/public')).status).toBe(200);

    // A restart opens a new window (a roomy one: on a loaded machine 1.5 s can pass before the next request).
    await server.restart({ CAPSTAN_ADMIN_INIT_TIMEOUT: '2m' });
    const init = await server.request('POST', '/api/users/admin/init', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(init.status).toBe(200);
  });

  it('creates the administrator at boot from CAPSTAN_ADMIN_PASSWORD_FILE', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'capstan-secret-')), 'admin-password');
    writeFileSync(file, 'password-from-a-file\n', { mode: 0o600 });
    server = await TestServer.start({
      env: { CAPSTAN_ADMIN_PASSWORD_FILE: file, CAPSTAN_ADMIN_USERNAME: 'ops' },
    });
    expect((await server.request('GET', '/api/users/admin/check')).status).toBe(204);
    const token = await login(server, 'ops', 'password-from-a-file');
    const me = await server.request<{ Username: string; Role: number }>('GET', '/api/users/me', { token });
    expect(me.body).toMatchObject({ Username: 'ops', Role: 1 });
  });
});
