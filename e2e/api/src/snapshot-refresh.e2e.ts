/**
 * The environment's snapshot follows changes made through Capstan's Docker proxy (real server, real Docker
 * engine): its time moves and its counts include the container within a few seconds, instead of at the next
 * scheduled pass (minutes).
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} (tools/setup/docker.sh)`);
const IMAGE = 'capstan/busybox:local';

interface Snapshot {
  Time: number;
  ContainerCount: number;
  RunningContainerCount: number;
}

describe.runIf(hasDocker)('snapshot refresh after changes through the proxy', () => {
  const env = withAdminServer();
  let envId = 0;
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const snapshot = async (): Promise<Snapshot> => {
    const r = await env.server.request<{ Snapshots: Snapshot[] }>('GET', `/api/endpoints/${envId}`, {
      token: env.admin,
    });
    expect(r.status, r.text).toBe(200);
    return r.body.Snapshots[0];
  };
  const runningCount = async (): Promise<number> => {
    const r = await env.server.request<unknown[]>('GET', docker('/containers/json'), { token: env.admin });
    expect(r.status).toBe(200);
    return r.body.length;
  };
  /**
   * A snapshot started at or after `since` (unix seconds) whose running count is the engine's, within `ms`.
   * Other tests share the engine: the count is compared with the engine's list of the same moment, again
   * until they agree.
   */
  const refreshedSince = async (since: number, ms = 6000): Promise<Snapshot | undefined> => {
    for (const end = Date.now() + ms; Date.now() < end;) {
      const s = await snapshot();
      if (s.Time >= since && s.RunningContainerCount === (await runningCount())) return s;
      await new Promise((r) => setTimeout(r, 200));
    }
    return undefined;
  };

  beforeAll(async () => {
    const f = new FormData();
    f.append('Name', uniqueName('refresh'));
    f.append('EndpointCreationType', '1');
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    expect(r.status).toBe(200);
    envId = ((await r.json()) as { Id: number }).Id;
  });

  it('counts a container started through the proxy, and its removal, within seconds', async () => {
    const first = await snapshot();
    expect(first).toBeDefined();
    // Snapshot times are whole seconds: the changes are made in later seconds than the last snapshot's.
    const nextSecond = async (after: number) => {
      while (Date.now() / 1000 < after + 1) await new Promise((r) => setTimeout(r, 100));
      return Math.floor(Date.now() / 1000);
    };
    const createdAt = await nextSecond(first.Time);
    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/containers/create?name=${uniqueName('capstan-refresh')}`),
      {
        token: env.admin,
        body: { Image: IMAGE, Cmd: ['sleep', '60'], Labels: { 'test.capstan': 'refresh' } },
      },
    );
    expect(created.status, created.text).toBe(201);
    const id = created.body.Id;
    try {
      const start = await env.server.request('POST', docker(`/containers/${id}/start`), { token: env.admin });
      expect(start.status).toBe(204);
      const after = await refreshedSince(createdAt);
      expect(after, 'a snapshot taken after the start, counting the container').toBeDefined();
      expect(after?.RunningContainerCount).toBeGreaterThanOrEqual(1);
    } finally {
      const removedAt = await nextSecond((await snapshot()).Time);
      const removed = await env.server.request('DELETE', docker(`/containers/${id}?force=1`), {
        token: env.admin,
      });
      expect(removed.status).toBe(204);
      expect(await refreshedSince(removedAt), 'a snapshot taken after the removal').toBeDefined();
    }
  });
});
