/**
 * An agent environment whose agent answers but whose Docker engine is gone: the built agent (classic mode) talks
 * to the real engine through a unix-socket relay this test owns; closing the relay is the engine disappearing.
 * The agent then answers 500 "Unable to proxy the request via the Docker socket" (its wire format); the server
 * must treat that like a direct engine that is down — 502, and lists served from the last snapshot — and recover
 * when the engine is back.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiError, withAdminServer } from './support/fixtures';
import { AGENT_MAIN, createAgentEnv, startAgent, type RealAgent } from './support/agent';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true') throw new Error(`CI needs a Docker engine on ${SOCKET}`);

/** A unix socket piping every connection to the engine's; `close()` drops them all, as a dying engine would. */
class EngineRelay {
  private server: Server | null = null;
  private readonly open = new Set<Socket>();

  constructor(readonly path: string) {}

  start(): Promise<void> {
    rmSync(this.path, { force: true });
    const server = createServer((client) => {
      const engine = createConnection(SOCKET);
      for (const s of [client, engine]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(engine).pipe(client);
      client.on('close', () => engine.destroy());
      engine.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.path, resolve));
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

describe.runIf(hasDocker)('an agent environment whose engine goes away (real agent, engine relay)', () => {
  const env = withAdminServer();
  const dir = mkdtempSync(join(tmpdir(), 'capstan-engine-relay-'));
  const relay = new EngineRelay(join(dir, 'docker.sock'));
  let agent: RealAgent | undefined;
  let envId = 0;

  beforeAll(async () => {
    await relay.start();
    agent = await startAgent({ DOCKER_HOST: `unix://${relay.path}` });
    if (!agent) {
      if (process.env['CI'] === 'true') throw new Error(`the agent (${AGENT_MAIN}) must be built`);
      return;
    }
    const created = await createAgentEnv(env, `127.0.0.1:${agent.port}`);
    expect(created.status).toBe(200);
    envId = created.body.Id;
  });

  afterAll(async () => {
    agent?.proc.kill('SIGTERM');
    await relay.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 502 and serves lists from the snapshot while the engine is gone, then recovers', async (ctx) => {
    if (!envId) return ctx.skip('the built agent (dist/apps/agent) is missing');
    const docker = (path: string) =>
      env.server.request('GET', `/api/endpoints/${envId}/docker${path}`, { token: env.admin });
    const live = await docker('/containers/json?all=1');
    expect(live.status, live.text).toBe(200);
    expect(live.headers.get('x-capstan-snapshot')).toBeNull();
    const snap = await env.server.request('POST', `/api/endpoints/${envId}/snapshot`, { token: env.admin });
    expect(snap.status, snap.text).toBe(204);

    await relay.close();
    // What the agent itself says now (its wire format), and what the server makes of it.
    const ping = await docker('/_ping');
    expectApiError(ping, 502, /^Unable to reach the Docker engine$/);
    expect((ping.body as { details: string }).details).toMatch(
      new RegExp(
        `^The agent at tcp://127\\.0\\.0\\.1:${agent?.port} cannot reach its engine: .*(ENOENT|ECONNREFUSED)`,
      ),
    );
    const version = await docker('/version');
    expect(version.status, version.text).toBe(200);
    expect(version.headers.get('x-capstan-snapshot')).toBeTruthy();
    const fromSnapshot = await docker('/containers/json?all=1');
    expect(fromSnapshot.status, fromSnapshot.text).toBe(200);
    expect(fromSnapshot.headers.get('x-capstan-snapshot')).toBeTruthy();
    expect((fromSnapshot.body as Array<{ Id: string }>).map((c) => c.Id).sort()).toEqual(
      (live.body as Array<{ Id: string }>).map((c) => c.Id).sort(),
    );
    // A write cannot be served from a snapshot: the same 502.
    const create = await env.server.request('POST', `/api/endpoints/${envId}/docker/volumes/create`, {
      token: env.admin,
      body: { Name: 'never-made' },
    });
    expectApiError(create, 502, /^Unable to reach the Docker engine$/);

    await relay.start();
    const back = await docker('/containers/json?all=1');
    expect(back.status, back.text).toBe(200);
    expect(back.headers.get('x-capstan-snapshot')).toBeNull();
  });
});
