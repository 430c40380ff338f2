/**
 * Edge agents end to end on real processes: the built server (tunnel server on a free loopback port), the built
 * agent in edge mode (EDGE=1) on the local Docker engine, talking only outwards — it polls the server and opens
 * the chisel tunnel when the server needs it; the server reaches the agent API only through that tunnel.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_HEADERS, decodeEdgeKey } from '@capstan/contracts-agent';
import { TestServer } from '@capstan/testing';
import { createUser, expectApiError, initAdmin } from './support/fixtures';
import { AGENT_MAIN, converse } from './support/agent';
import { startEdgeAgent, until, type EdgeAgentProcess as EdgeProcess } from './support/edge-agent';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
const hasAgent = existsSync(AGENT_MAIN);
if ((!hasDocker || !hasAgent) && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} and the built agent (${AGENT_MAIN})`);
const skipReason = !hasDocker ? `no Docker engine on ${SOCKET}` : !hasAgent ? `${AGENT_MAIN} not built` : '';

const IDLE_MS = 3_000;
const WAIT_MS = 6_000;

describe.skipIf(skipReason !== '')(`edge agent (${skipReason || 'real server, agent and dockerd'})`, () => {
  let server: TestServer;
  let admin: string;
  let envId: number;
  let key: string;
  let agent: EdgeProcess | undefined;
  const edgeId = `edge-${process.pid}-${Date.now()}`;
  const created: string[] = [];

  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const poll = (id: number | string, headers: Record<string, string>) =>
    server.request('GET', `/api/endpoints/${id}/edge/status`, { headers });
  const tunnel = async () =>
    (
      await server.request<{ TunnelOpen: boolean; LastCheckInDate: number }>(
        'GET',
        `/api/endpoints/${envId}/edge/tunnel`,
        { token: admin },
      )
    ).body;

  beforeAll(async () => {
    server = await TestServer.start({
      env: { CAPSTAN_EDGE_TUNNEL_IDLE: `${IDLE_MS}ms`, CAPSTAN_EDGE_TUNNEL_WAIT: `${WAIT_MS}ms` },
    });
    admin = await initAdmin(server);
  });

  afterAll(async () => {
    agent?.proc.kill('SIGKILL');
    for (const id of created)
      await server
        .request('DELETE', docker(`/containers/${id}?force=1`), { token: admin })
        .catch(() => undefined);
    await server.dispose();
  });

  it('creates an edge environment whose key names this server, its tunnel and its host key', async () => {
    const r = await server.request<{ Id: number; Type: number; EdgeKey: string; EdgeID: string }>(
      'POST',
      '/api/endpoints',
      {
        token: admin,
        body: { Name: 'edge-1', EndpointCreationType: 4, URL: server.baseUrl, EdgeCheckinInterval: 1 },
      },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.Type).toBe(4);
    expect(r.body.EdgeID).toBe('');
    envId = r.body.Id;
    key = r.body.EdgeKey;
    expect(key).not.toMatch(/=/);
    const k = decodeEdgeKey(key);
    expect(k).toMatchObject({
      portainerUrl: server.baseUrl,
      tunnelAddr: `127.0.0.1:${server.tunnelPort}`,
      endpointId: envId,
    });
    expect(Buffer.from(k.fingerprint, 'base64')).toHaveLength(32);
    // The same host key for the next environment (persisted, not per environment).
    const other = await server.request<{ EdgeKey: string }>('POST', '/api/endpoints', {
      token: admin,
      body: { Name: 'edge-2', EndpointCreationType: 4, URL: server.baseUrl },
    });
    expect(decodeEdgeKey(other.body.EdgeKey).fingerprint).toBe(k.fingerprint);
  });

  it('refuses bad creation input', async () => {
    for (const body of [
      { Name: 'bad-edge', EndpointCreationType: 4, URL: 'not a url' },
      { Name: 'bad-edge', EndpointCreationType: 4, URL: 'http://a|b' },
      { Name: 'bad-edge', EndpointCreationType: 4, URL: server.baseUrl, EdgeCheckinInterval: -1 },
    ]) {
      const r = await server.request('POST', '/api/endpoints', { token: admin, body });
      expect(r.status, r.text).toBe(400);
    }
  });

  it('refuses polls that are malformed, for unknown environments, or not edge ones', async () => {
    expectApiError(await poll(envId, {}), 400);
    expectApiError(await poll('abc', { [EDGE_HEADERS.edgeId]: 'x' }), 400);
    expectApiError(await poll(envId, { [EDGE_HEADERS.edgeId]: 'bad id with spaces' }), 400);
    expectApiError(await poll(999_999, { [EDGE_HEADERS.edgeId]: 'someone' }), 403);
    const list = await server.request<{ Id: number; Type: number }[]>('GET', '/api/endpoints', {
      token: admin,
    });
    expect(list.body.every((e) => e.Type === 4)).toBe(true);
  });

  it('answers a Portainer-style poll with ETag, 304 when unchanged, binds the edge id, refuses another one', async () => {
    const second = (
      await server.request<{ Id: number }[]>('GET', '/api/endpoints?search=edge-2', { token: admin })
    ).body[0];
    const id = second?.Id ?? 0;
    const h = { [EDGE_HEADERS.edgeId]: 'portainer-style-agent', 'Portainer-Agent-Platform': '1' };
    const first = await poll(id, h);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({
      status: 'IDLE',
      port: 0,
      credentials: '',
      checkin: 5,
      schedules: [],
      stacks: [],
    });
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^[0-9a-f]{8}$/);
    const again = await poll(id, { ...h, 'If-None-Match': `deadbeef,${etag}` });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect((await poll(id, { ...h, 'If-None-Match': 'deadbeef' })).status).toBe(200);
    // The first poll bound the edge id: another agent is refused, even with the right ETag.
    expectApiError(
      await poll(id, { [EDGE_HEADERS.edgeId]: 'intruder', 'If-None-Match': etag }),
      403,
      /authenticate/,
    );
    const env = await server.request<{ EdgeID: string }>('GET', `/api/endpoints/${id}`, { token: admin });
    expect(env.body.EdgeID).toBe('portainer-style-agent');
  });

  it('the agent in edge mode polls, gets its secret, and the key file is owner-only', async () => {
    const started = await startEdgeAgent({ EDGE_ID: edgeId, EDGE_KEY: key });
    agent = started;
    await until('the edge id to be bound', async () => {
      const r = await server.request<{ EdgeID: string }>('GET', `/api/endpoints/${envId}`, { token: admin });
      return r.body.EdgeID === edgeId ? true : undefined;
    });
    expect(statSync(join(agent.dataPath, 'agent_edge_key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(agent.dataPath, 'agent_edge_key'), 'utf8')).toBe(key);
    await until('the poll secret', () =>
      Promise.resolve(existsSync(join(started.dataPath, 'agent_edge_secret')) ? true : undefined),
    );
    expect(statSync(join(agent.dataPath, 'agent_edge_secret')).mode & 0o777).toBe(0o600);
    // A leaked edge id without the secret, or asking for a second secret, is refused.
    expectApiError(await poll(envId, { [EDGE_HEADERS.edgeId]: edgeId }), 403, /authenticate/);
    expectApiError(await poll(envId, { [EDGE_HEADERS.edgeId]: edgeId, [EDGE_HEADERS.edgeSecret]: '?' }), 403);
    expect((await tunnel()).TunnelOpen).toBe(false);
  });

  it('opens the tunnel when a user needs the environment: Docker proxy with roles', async () => {
    const list = await server.request<{ Id: string }[]>('GET', docker('/containers/json?all=1'), {
      token: admin,
    });
    expect(list.status, list.text).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    expect((await tunnel()).TunnelOpen).toBe(true);
    expect(agent?.output()).toMatch(/edge tunnel open/);
    const user = await createUser(server, admin);
    const denied = await server.request('GET', docker('/containers/json'), { token: user.token });
    expect(denied.status).toBe(404);
  });

  it('runs a console exec through the tunnel', async () => {
    const c = await server.request<{ Id: string }>(
      'POST',
      docker(`/containers/create?name=edge-exec-${process.pid}`),
      {
        token: admin,
        body: { Image: 'capstan/busybox:local', Cmd: ['sleep', '300'] },
      },
    );
    expect(c.status, c.text).toBe(201);
    created.push(c.body.Id);
    expect(
      (await server.request('POST', docker(`/containers/${c.body.Id}/start`), { token: admin })).status,
    ).toBe(204);
    const exec = await server.request<{ Id: string }>('POST', docker(`/containers/${c.body.Id}/exec`), {
      token: admin,
      body: { AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Cmd: ['sh'] },
    });
    expect(exec.status, exec.text).toBe(201);
    const url = `${server.baseUrl.replace('http', 'ws')}/api/websocket/exec?endpointId=${envId}&id=${exec.body.Id}&token=${admin}`;
    expect(await converse(url, ['echo $((6*7))-via-edge\n'], /42-via-edge/)).toContain('42-via-edge');
  });

  it('closes the tunnel when idle, and answers IDLE again', async () => {
    await until(
      'the idle tunnel to close',
      async () => ((await tunnel()).TunnelOpen ? undefined : true),
      IDLE_MS * 4 + 5_000,
    );
    await until('the agent to see the tunnel closed', () =>
      Promise.resolve(/edge tunnel closed/.test(agent?.output() ?? '') ? true : undefined),
    );
    expect((await tunnel()).LastCheckInDate).toBeGreaterThan(0);
    // Check-ins are flushed to the database in batches (every 5 s).
    await until('the check-in to be stored', async () => {
      const r = await server.request<{ LastCheckInDate: number }>('GET', `/api/endpoints/${envId}`, {
        token: admin,
      });
      return r.body.LastCheckInDate > 0 ? true : undefined;
    });
    // Needed again: it reopens.
    const list = await server.request('GET', docker('/containers/json'), { token: admin });
    expect(list.status, list.text).toBe(200);
  });

  it('answers a clear 503 without hanging when the agent is gone (lists from the last snapshot)', async () => {
    agent?.proc.kill('SIGKILL');
    await until('the tunnel to drop with the agent', async () =>
      (await tunnel()).TunnelOpen ? undefined : true,
    );
    const started = Date.now();
    const r = await server.request('POST', docker(`/containers/${created[0]}/restart`), { token: admin });
    expectApiError(r, 503, /not connected/);
    expect(Date.now() - started).toBeLessThan(WAIT_MS + 3_000);
    const list = await server.request('GET', docker('/containers/json'), { token: admin });
    expect(list.status, list.text).toBe(200);
    expect(list.headers.get('x-capstan-snapshot')).toBeTruthy();
  });

  it('trust routes: unknown environment 404, bulk trust of non-edge ids changes nothing', async () => {
    expectApiError(await server.request('POST', '/api/endpoints/999999/edge/trust', { token: admin }), 404);
    const r = await server.request<{ trusted: number[] }>('POST', '/api/endpoints/edge/trust', {
      token: admin,
      body: { endpointIds: [envId, 999_999] },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.trusted).toEqual([]);
    expectApiError(
      await server.request('POST', '/api/endpoints/edge/trust', {
        token: admin,
        body: { endpointIds: ['x'] },
      }),
      400,
    );
  });
});
