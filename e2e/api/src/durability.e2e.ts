import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createUser, initAdmin, login, strongPassword, uniqueName } from './support/fixtures';
import { TestServer } from '@capstan/testing';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} (tools/setup/docker.sh)`);

interface EnvView {
  Id: number;
  Name: string;
  TagIds: number[];
}
interface TeamView {
  Id: number;
  Name: string;
}
interface MembershipView {
  UserID: number;
  TeamID: number;
  Role: number;
}

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

  // Rows that change together (an environment and its tags, a team and its leaders) are one unit of work: after a
  // SIGKILL in the middle of a burst of such writes there is no record with only some of its rows, and every write
  // that was acknowledged is there in full. Three bursts, each ended by a SIGKILL, each followed by a restart and
  // the checks. Runs on SQLite and PostgreSQL (CAPSTAN_TEST_DB).
  it.skipIf(!hasDocker)(
    'leaves no half-written environment or team and loses no acknowledged one when killed with SIGKILL mid-burst',
    async () => {
      const s = await TestServer.start();
      server = s;
      const admin = await initAdmin(s);
      const post = async <T>(path: string, body: unknown): Promise<T> => {
        const r = await s.request<T>('POST', path, { token: admin, body });
        expect(r.status, r.text).toBe(200);
        return r.body;
      };
      const tags: number[] = [];
      for (let i = 0; i < 4; i++)
        tags.push((await post<{ ID: number }>('/api/tags', { name: uniqueName('t') })).ID);
      const leaders: number[] = [];
      for (let i = 0; i < 3; i++) {
        const body = { username: uniqueName('leader'), password: strongPassword(), role: 2 };
        leaders.push((await post<{ Id: number }>('/api/users', body)).Id);
      }
      /** The tags version `v` of an environment carries: each version differs from the one before. */
      const tagsOf = (v: number) => [tags[v % 4], tags[(v + 1) % 4], tags[(v + 2) % 4]].sort((a, b) => a - b);
      // Environments changed in place: the version in the name says which tags must be with it.
      const chains: { id: number; base: string; sent: number; acked: number }[] = [];
      for (let i = 0; i < 8; i++) {
        const base = uniqueName('chain');
        const env = await post<EnvView>('/api/endpoints', {
          Name: `${base}-v0`,
          EndpointCreationType: 1,
          TagIds: tagsOf(0),
        });
        chains.push({ id: env.Id, base, sent: 0, acked: 0 });
      }
      const ackedTeams: string[] = [];
      const ackedEnvs: string[] = [];

      for (let burst = 1; burst <= 3; burst++) {
        let acknowledged = 0;
        let killed = false;
        const ack = () => {
          acknowledged += 1;
          // The kill lands mid-burst on any machine: well after the start, well before the writers run dry.
          if (acknowledged === 100 && !killed) {
            killed = true;
            void s.kill9();
          }
        };
        const loop = async (write: () => Promise<void>) => {
          for (let round = 0; !killed && round < 300; round++) {
            try {
              await write();
            } catch {
              return; // the connection died with the process
            }
          }
        };
        const writers = [
          ...chains.map((chain) =>
            loop(async () => {
              const v = (chain.sent += 1);
              const r = await s.request('PUT', `/api/endpoints/${chain.id}`, {
                token: admin,
                body: { Name: `${chain.base}-v${v}`, TagIds: tagsOf(v) },
              });
              if (r.status === 200) {
                chain.acked = v;
                ack();
              }
            }),
          ),
          ...Array.from({ length: 6 }, () =>
            loop(async () => {
              const name = uniqueName('burst-team');
              const r = await s.request('POST', '/api/teams', {
                token: admin,
                body: { name, teamLeaders: leaders },
              });
              if (r.status === 200) {
                ackedTeams.push(name);
                ack();
              }
            }),
          ),
          ...Array.from({ length: 2 }, (_, i) =>
            loop(async () => {
              const name = uniqueName('burst-env');
              const r = await s.request('POST', '/api/endpoints', {
                token: admin,
                body: { Name: name, EndpointCreationType: 1, TagIds: tagsOf(i) },
              });
              if (r.status === 200) {
                ackedEnvs.push(name);
                ack();
              }
            }),
          ),
        ];
        await Promise.all(writers);
        expect(killed).toBe(true);

        await s.boot();
        const envs = (
          await s.request<EnvView[]>('GET', '/api/endpoints?excludeSnapshots=true', { token: admin })
        ).body;
        const teams = (await s.request<TeamView[]>('GET', '/api/teams', { token: admin })).body;
        const memberships = (
          await s.request<MembershipView[]>('GET', '/api/team_memberships', { token: admin })
        ).body;

        // Environments changed in place: the tags of the version named, and no acknowledged version lost.
        for (const chain of chains) {
          const env = envs.find((e) => e.Id === chain.id);
          const version = Number(/-v(\d+)$/.exec(env?.Name ?? '')?.[1] ?? NaN);
          expect(env?.Name.startsWith(chain.base)).toBe(true);
          expect(version, `burst ${burst}, ${chain.base}`).toBeGreaterThanOrEqual(chain.acked);
          expect(env?.TagIds, `burst ${burst}, ${env?.Name}`).toEqual(tagsOf(version));
        }
        // Environments created in the bursts: each one stored has all its tags; every acknowledged one is stored.
        const created = envs.filter((e) => e.Name.startsWith('burst-env-'));
        for (const env of created) expect(env.TagIds, `burst ${burst}, ${env.Name}`).toHaveLength(3);
        expect(ackedEnvs.filter((n) => !created.some((e) => e.Name === n))).toEqual([]);
        // Teams: each one stored has all its leaders; every acknowledged one is stored.
        const burstTeams = teams.filter((t) => t.Name.startsWith('burst-team-'));
        for (const team of burstTeams) {
          const led = memberships
            .filter((m) => m.TeamID === team.Id && m.Role === 1)
            .map((m) => m.UserID)
            .sort((a, b) => a - b);
          expect(led, `burst ${burst}, ${team.Name}`).toEqual(leaders);
        }
        expect(ackedTeams.filter((n) => !burstTeams.some((t) => t.Name === n))).toEqual([]);
      }
    },
    180_000,
  );
});
