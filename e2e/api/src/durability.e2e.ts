import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createUser, initAdmin, login, uniqueName } from './support/fixtures';
import { TestServer } from '@capstan/testing';

describe('durability', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it('keeps sessions, users and settings across a restart', async () => {
    server = await TestServer.start();
    const admin = await initAdmin(server);
    const user = await createUser(server, admin);
    await server.request('PUT', '/api/settings', { token: admin, body: { AuditLogRetentionDays: 30 } });
    const instance = (await server.request<{ InstanceID: string }>('GET', '/api/system/status')).body
      .InstanceID;

    await server.restart();

    expect((await server.request('GET', '/api/users/me', { token: admin })).status).toBe(200);
    expect(
      (await server.request<{ Username: string }>('GET', '/api/users/me', { token: user.token })).body
        .Username,
    ).toBe(user.username);
    expect(
      (await server.request<{ AuditLogRetentionDays: number }>('GET', '/api/settings', { token: admin })).body
        .AuditLogRetentionDays,
    ).toBe(30);
    expect((await server.request<{ InstanceID: string }>('GET', '/api/system/status')).body.InstanceID).toBe(
      instance,
    );
    // A logout before the restart stays a logout after it.
    await server.request('POST', '/api/auth/logout', { token: user.token });
    await server.restart();
    expect((await server.request('GET', '/api/users/me', { token: user.token })).status).toBe(401);
    expect(await login(server, 'admin', ADMIN_PASSWORD)).toBeTruthy();
  });

  it('loses no acknowledged write when killed with SIGKILL during a burst', async () => {
    const s = await TestServer.start();
    server = s;
    const admin = await initAdmin(s);
    const acknowledged: string[] = [];
    const names = Array.from({ length: 400 }, () => uniqueName('burst'));
    let killed = false;
    const writers = names.map(async (name, i) => {
      // Eight writes in flight at each step; the kill lands once 60 are acknowledged, mid-burst on any machine.
      await new Promise((r) => setTimeout(r, Math.floor(i / 8) * 6));
      if (killed) return;
      try {
        const r = await s.request('POST', '/api/teams', { token: admin, body: { name } });
        if (r.status === 200) acknowledged.push(name);
        if (acknowledged.length === 60 && !killed) {
          killed = true;
          void s.kill9();
        }
      } catch {
        // connection died with the process
      }
    });
    await Promise.all(writers);
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThan(names.length);

    await s.boot();
    const teams = await s.request<{ Name: string }[]>('GET', '/api/teams', { token: admin });
    const stored = new Set(teams.body.map((t) => t.Name));
    const lost = acknowledged.filter((n) => !stored.has(n));
    expect(lost).toEqual([]);
  });
});
