/**
 * Async edge mode and global-key onboarding end to end, on the built server over HTTP: first speaking the async
 * protocol by hand (full and patched snapshots, hash mismatches, bad input, the command queue behind the Docker
 * proxy), then the built agent with EDGE=1 EDGE_ASYNC=1 on the real Docker engine (its snapshots browsed through
 * the proxy, a queued stop run on the engine and confirmed, a hash mismatch recovered by a full snapshot).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EDGE_ASYNC_PATH,
  decodeEdgeKey,
  diffJson,
  snapshotHash,
  type AsyncDockerSnapshot,
  type EdgeAsyncResponse,
} from '@capstan/contracts-agent';
import { TestServer } from '@capstan/testing';
import { createUser, expectApiError, initAdmin } from './support/fixtures';
import { AGENT_MAIN } from './support/agent';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
const hasAgent = existsSync(AGENT_MAIN);
if ((!hasDocker || !hasAgent) && process.env['CI'] === 'true')
  throw new Error(`CI needs a Docker engine on ${SOCKET} and the built agent (${AGENT_MAIN})`);
const agentSkip = !hasDocker ? `no Docker engine on ${SOCKET}` : !hasAgent ? `${AGENT_MAIN} not built` : '';
const BUSYBOX = 'capstan/busybox:local';

function snapshot(
  containers: Record<string, unknown>[],
  time = Math.floor(Date.now() / 1000),
): AsyncDockerSnapshot {
  return {
    Time: time,
    DockerVersion: '20.10.0',
    Swarm: false,
    TotalCPU: 2,
    TotalMemory: 1024,
    ContainerCount: 0,
    RunningContainerCount: containers.filter((c) => c['State'] === 'running').length,
    StoppedContainerCount: containers.filter((c) => c['State'] !== 'running').length,
    HealthyContainerCount: 0,
    UnhealthyContainerCount: 0,
    VolumeCount: 1,
    ImageCount: 1,
    ServiceCount: 0,
    StackCount: 0,
    DockerSnapshotRaw: {
      Containers: containers,
      Volumes: { Volumes: [{ Name: 'data', Driver: 'local', Labels: null }], Warnings: null },
      Networks: [{ Name: 'bridge', Id: 'n1' }],
      Images: [{ Id: 'sha256:abc', RepoTags: ['busybox:latest'] }],
      Info: { Name: 'edge-host', NCPU: 2, MemTotal: 1024 },
      Version: { Version: '20.10.0' },
    },
    NodeCount: 1,
    GpuUseAll: false,
    GpuUseList: [],
    IsPodman: false,
  };
}

const container = (id: string, name: string, state: string, labels: Record<string, string> = {}) => ({
  Id: id,
  Names: [`/${name}`],
  Image: 'busybox',
  ImageID: 'sha256:abc',
  State: state,
  Status: state === 'running' ? 'Up 1 minute' : 'Exited (0)',
  Labels: labels,
  Mounts: [],
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** One call to the local Docker engine (setting up and checking the real agent's work). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Docker's JSON, read field by field in the checks
function engine(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        socketPath: SOCKET,
        method,
        path,
        headers: { host: 'docker', ...(data ? { 'Content-Type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('async edge mode and global keys (real server)', () => {
  let server: TestServer;
  let admin: string;
  let envId: number;
  const edgeId = `async-${process.pid}-${Date.now()}`;
  let agent: ChildProcess | undefined;
  let agentOutput = '';

  const post = (body: unknown, headers: Record<string, string> = {}, id = edgeId) =>
    server.request<EdgeAsyncResponse>('POST', EDGE_ASYNC_PATH, {
      body,
      headers: { 'X-PortainerAgent-EdgeID': id, 'Portainer-Agent-Platform': '1', ...headers },
    });
  const containers = async (id = envId) =>
    server.request<{ Id: string; State: string }[]>(
      'GET',
      `/api/endpoints/${id}/docker/containers/json?all=1`,
      {
        token: admin,
      },
    );
  const commands = async (id = envId, open = false) =>
    (
      await server.request<{ Id: number; Status: string; Summary: string; Error: string | null }[]>(
        'GET',
        `/api/endpoints/${id}/edge/commands${open ? '?open=true' : ''}`,
        { token: admin },
      )
    ).body;
  const createEdge = async (name: string): Promise<{ Id: number; EdgeKey: string }> => {
    const r = await server.request<{ Id: number; EdgeKey: string }>('POST', '/api/endpoints', {
      token: admin,
      body: { Name: name, EndpointCreationType: 4, URL: server.baseUrl },
    });
    expect(r.status, r.text).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await initAdmin(server);
    envId = (await createEdge('async-1')).Id;
  });

  afterAll(async () => {
    agent?.kill('SIGKILL');
    await server.dispose();
  });

  const web = container('c1'.padEnd(64, '0'), 'web', 'running', { app: 'web' });
  const db = container('c2'.padEnd(64, '0'), 'db', 'exited');
  let base = snapshot([web, db], 1_700_000_000);

  it('takes a full snapshot: intervals in nanoseconds from the settings, the environment switches to async', async () => {
    const r = await post({ endpointId: envId, snapshot: { docker: base } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({
      endpointID: envId,
      pingInterval: 60e9,
      snapshotInterval: 60e9,
      commandInterval: 60e9,
      needFullSnapshot: false,
      commands: [],
    });
    const state = await server.request<{ Mode: string; Heartbeat: boolean }>(
      'GET',
      `/api/endpoints/${envId}/edge/tunnel`,
      { token: admin },
    );
    expect(state.body).toMatchObject({ Mode: 'async', Heartbeat: true });
    const list = await containers();
    expect(list.status, list.text).toBe(200);
    expect(list.headers.get('x-capstan-snapshot')).toBe(new Date(1_700_000_000_000).toISOString());
    expect(list.body.map((c) => c.Id).sort()).toEqual([web.Id, db.Id]);
    // all=0 lists running containers only, as the engine does
    const running = await server.request<{ Id: string }[]>(
      'GET',
      `/api/endpoints/${envId}/docker/containers/json`,
      {
        token: admin,
      },
    );
    expect(running.body.map((c) => c.Id)).toEqual([web.Id]);
    const env = await server.request<{ Snapshots: { RunningContainerCount: number; Time: number }[] }>(
      'GET',
      `/api/endpoints/${envId}`,
      { token: admin },
    );
    expect(env.body.Snapshots[0]).toMatchObject({ RunningContainerCount: 1, Time: 1_700_000_000 });
  });

  it('applies a JSON patch whose hash is the stored snapshot’s (gzip body too)', async () => {
    const next = snapshot(
      [web, { ...db, State: 'running' }, container('c3'.padEnd(64, '0'), 'new', 'created')],
      1_700_000_100,
    );
    const body = {
      endpointId: envId,
      snapshot: { dockerPatch: diffJson(base, next), dockerHash: snapshotHash(base) },
    };
    // gzip bytes go with node:http (fetch would re-encode a binary string).
    const answer = await rawPost(server.baseUrl, gzipSync(Buffer.from(JSON.stringify(body))), {
      'X-PortainerAgent-EdgeID': edgeId,
      'Content-Encoding': 'gzip',
      'Content-Type': 'application/json',
    });
    expect(answer.status, answer.text).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ needFullSnapshot: false });
    const list = await containers();
    expect(list.body).toHaveLength(3);
    expect(list.body.find((c) => c.Id === db.Id)?.State).toBe('running');
    base = next;
  });

  it('asks for a full snapshot when the hash is not the stored one, and keeps the stored one', async () => {
    const next = snapshot([web], 1_700_000_200);
    const wrong = await post({
      endpointId: envId,
      snapshot: { dockerPatch: diffJson(base, next), dockerHash: (snapshotHash(base) + 1) >>> 0 },
    });
    expect(wrong.status, wrong.text).toBe(200);
    expect(wrong.body.needFullSnapshot).toBe(true);
    expect((await containers()).body).toHaveLength(3);
    // A patch that does not apply (a path missing from the base) is the same.
    const broken = await post({
      endpointId: envId,
      snapshot: {
        dockerPatch: [{ op: 'replace', path: '/Nope/x', value: 1 }],
        dockerHash: snapshotHash(base),
      },
    });
    expect(broken.body.needFullSnapshot).toBe(true);
    // The full one recovers.
    const full = await post({ endpointId: envId, snapshot: { docker: next } });
    expect(full.body.needFullSnapshot).toBe(false);
    expect((await containers()).body.map((c) => c.Id)).toEqual([web.Id]);
    base = next;
  });

  it('refuses bad input and other agents, and changes nothing', async () => {
    expectApiError(
      await server.request('POST', EDGE_ASYNC_PATH, {
        raw: '{nope',
        headers: { 'X-PortainerAgent-EdgeID': edgeId },
      }),
      400,
    );
    expectApiError(await post({ endpointId: envId, snapshot: { dockerPatch: [], dockerHash: -1 } }), 400);
    expectApiError(
      await post({ endpointId: envId, snapshot: { dockerPatch: [{ op: 'nope' }], dockerHash: 1 } }),
      400,
    );
    expectApiError(await post({ endpointId: envId, snapshot: { docker: { Time: 1 } } }), 400);
    expectApiError(await post({ endpointId: 'x' }), 400);
    expectApiError(await post({ endpointId: envId, commandTimestamp: 'yesterday' }), 400);
    expectApiError(await server.request('POST', EDGE_ASYNC_PATH, { body: {} }), 400);
    expectApiError(
      await rawPost(server.baseUrl, Buffer.from('not gzip'), {
        'X-PortainerAgent-EdgeID': edgeId,
        'Content-Encoding': 'gzip',
      }),
      400,
    );
    // another edge id for this environment, an unknown environment
    expectApiError(
      await post({ endpointId: envId, snapshot: { docker: snapshot([]) } }, {}, 'intruder'),
      403,
    );
    expectApiError(await post({ endpointId: 999_999 }), 403);
    // prototype pollution through the patch is refused as a patch that does not apply
    const polluted = await post({
      endpointId: envId,
      snapshot: {
        dockerPatch: [{ op: 'add', path: '/__proto__/x', value: 1 }],
        dockerHash: snapshotHash(base),
      },
    });
    expect(polluted.body.needFullSnapshot).toBe(true);
    expect((await containers()).body.map((c) => c.Id)).toEqual([web.Id]);
  });

  it('turns Docker actions into queued commands, delivered in order and confirmed by the command timestamp', async () => {
    const stop = await server.request<{ CommandId: number; Status: string }>(
      'POST',
      `/api/endpoints/${envId}/docker/v1.41/containers/web/stop`,
      { token: admin },
    );
    expect(stop.status, stop.text).toBe(202);
    expect(stop.body.Status).toBe('pending');
    const rm = await server.request<{ CommandId: number }>(
      'DELETE',
      `/api/endpoints/${envId}/docker/containers/${web.Id}?force=1`,
      {
        token: admin,
      },
    );
    expect(rm.status).toBe(202);
    const img = await server.request('DELETE', `/api/endpoints/${envId}/docker/images/busybox:latest`, {
      token: admin,
    });
    expect(img.status, img.text).toBe(202);
    const vol = await server.request('DELETE', `/api/endpoints/${envId}/docker/volumes/data`, {
      token: admin,
    });
    expect(vol.status, vol.text).toBe(202);
    // unknown targets and unsupported calls
    expect(
      (await server.request('POST', `/api/endpoints/${envId}/docker/containers/nope/start`, { token: admin }))
        .status,
    ).toBe(404);
    expect(
      (
        await server.request('POST', `/api/endpoints/${envId}/docker/containers/create`, {
          token: admin,
          body: {},
        })
      ).status,
    ).toBe(501);
    expect((await commands(envId, true)).map((c) => c.Status)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);

    const tick = await post({ endpointId: envId, commandTimestamp: '2000-01-01T00:00:00Z' });
    expect(tick.status, tick.text).toBe(200);
    const delivered = tick.body.commands;
    expect(delivered.map((c) => c.type)).toEqual(['container', 'container', 'image', 'volume']);
    expect(delivered[0]).toMatchObject({
      id: stop.body.CommandId,
      endpointID: envId,
      op: 'add',
      value: { ContainerName: web.Id, ContainerOperation: 'stop' },
    });
    expect(delivered[1]?.value).toMatchObject({
      ContainerOperation: 'delete',
      ContainerRemoveOptions: { Force: true },
    });
    const stamps = delivered.map((c) => Date.parse(c.timestamp));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(new Set(stamps).size).toBe(4);
    expect((await commands(envId, true)).every((c) => c.Status === 'sent')).toBe(true);

    // The agent processed the first two (the second failed): confirmed, failed; the rest come again.
    const second = delivered[1];
    const again = await post({
      endpointId: envId,
      commandTimestamp: second?.timestamp,
      commandErrors: { [String(second?.id)]: 'No such container' },
    });
    expect(again.body.commands.map((c) => c.id)).toEqual(delivered.slice(2).map((c) => c.id));
    const all = await commands();
    expect(all.find((c) => c.Id === stop.body.CommandId)?.Status).toBe('confirmed');
    expect(all.find((c) => c.Id === second?.id)).toMatchObject({
      Status: 'failed',
      Error: 'No such container',
    });
    // A standard user without access sees neither the environment nor its commands.
    const user = await createUser(server, admin);
    expect(
      (await server.request('GET', `/api/endpoints/${envId}/edge/commands`, { token: user.token })).status,
    ).toBe(404);
    const last = delivered[3];
    await post({ endpointId: envId, commandTimestamp: last?.timestamp });
    expect(await commands(envId, true)).toEqual([]);
  });

  it('uses the environment’s own intervals, else the settings', async () => {
    const put = await server.request('PUT', `/api/endpoints/${envId}/edge/intervals`, {
      token: admin,
      body: { SnapshotInterval: 5, CommandInterval: 0 },
    });
    expect(put.status, put.text).toBe(204);
    const s = await server.request('PUT', '/api/settings', {
      token: admin,
      body: { Edge: { PingInterval: 30 } },
    });
    expect(s.status, s.text).toBe(200);
    const r = await post({ endpointId: envId });
    expect(r.body).toMatchObject({ pingInterval: 30e9, snapshotInterval: 5e9, commandInterval: 0 });
    expectApiError(
      await server.request('PUT', `/api/endpoints/${envId}/edge/intervals`, {
        token: admin,
        body: { PingInterval: -2 },
      }),
      400,
    );
  });

  it('onboards global-key agents into the waiting room; trust, reject', async () => {
    const gen = await server.request<{ edgeKey: string }>('POST', '/api/endpoints/edge/generate-key', {
      token: admin,
    });
    expect(gen.status, gen.text).toBe(200);
    expect(decodeEdgeKey(gen.body.edgeKey).endpointId).toBe(0);
    const tag = await server.request<{ ID: number }>('POST', '/api/tags', {
      token: admin,
      body: { Name: `t-${Date.now()}` },
    });
    const newcomer = `newcomer-${Date.now()}`;
    const g = await server.request<{ endpointID: number }>('POST', '/api/endpoints/global-key', {
      headers: { 'X-PortainerAgent-EdgeID': newcomer },
      body: { edgeGroupsIds: [3], tagsIds: [tag.body.ID, 999_999], environmentGroupId: 999_999 },
    });
    expect(g.status, g.text).toBe(200);
    const id = g.body.endpointID;
    // the same agent again: the same environment
    const again = await server.request<{ endpointID: number }>('POST', '/api/endpoints/global-key', {
      headers: { 'X-PortainerAgent-EdgeID': newcomer },
      body: {},
    });
    expect(again.body.endpointID).toBe(id);
    const waiting = await server.request<
      { Id: number; UserTrusted: boolean; TagIds: number[]; GroupId: number }[]
    >('GET', '/api/endpoints?edgeDeviceUntrusted=true', { token: admin });
    expect(waiting.body.find((e) => e.Id === id)).toMatchObject({
      UserTrusted: false,
      TagIds: [tag.body.ID],
      GroupId: 1,
    });
    const normal = await server.request<{ Id: number }[]>('GET', '/api/endpoints', { token: admin });
    expect(normal.body.some((e) => e.Id === id)).toBe(false);
    const poll = (who: string) =>
      server.request('GET', `/api/endpoints/${id}/edge/status`, {
        headers: { 'X-PortainerAgent-EdgeID': who },
      });
    expectApiError(await poll(newcomer), 403, /authenticate/);
    expect((await server.request('POST', `/api/endpoints/${id}/edge/trust`, { token: admin })).status).toBe(
      204,
    );
    expect((await poll(newcomer)).status).toBe(200);
    expectApiError(await poll('someone-else'), 403);

    // An async agent with a global key (no endpointId) is onboarded the same way; reject removes it.
    const asyncNewcomer = `async-newcomer-${Date.now()}`;
    expectApiError(
      await post({ snapshot: { docker: snapshot([]) } }, {}, asyncNewcomer),
      403,
      /authenticate/,
    );
    const found = (
      await server.request<{ Id: number; EdgeID: string }[]>(
        'GET',
        '/api/endpoints?edgeDeviceUntrusted=true',
        { token: admin },
      )
    ).body.find((e) => e.EdgeID === asyncNewcomer);
    expect(found).toBeDefined();
    const rejected = await server.request<{ rejected: number[] }>('POST', '/api/endpoints/edge/reject', {
      token: admin,
      body: { endpointIds: [found?.Id, envId] },
    });
    expect(rejected.body.rejected).toEqual([found?.Id]); // the trusted one stays
    expect((await server.request('GET', `/api/endpoints/${found?.Id}`, { token: admin })).status).toBe(404);

    // With TrustOnFirstConnect a new agent is trusted at once.
    await server.request('PUT', '/api/settings', { token: admin, body: { TrustOnFirstConnect: true } });
    const trusted = await post({ snapshot: { docker: snapshot([]) } }, {}, `trusted-${Date.now()}`);
    expect(trusted.status, trusted.text).toBe(200);
    expect(trusted.body.endpointID).toBeGreaterThan(0);
    await server.request('PUT', '/api/settings', { token: admin, body: { TrustOnFirstConnect: false } });
    // Onboarding input is checked.
    expectApiError(
      await server.request('POST', '/api/endpoints/global-key', {
        headers: { 'X-PortainerAgent-EdgeID': 'x' },
        body: { tagsIds: ['a'] },
      }),
      400,
    );
    expectApiError(await server.request('POST', '/api/endpoints/global-key', { body: {} }), 400);
  });

  describe.skipIf(agentSkip !== '')(`the built agent with EDGE_ASYNC=1 (${agentSkip || 'dockerd'})`, () => {
    let asyncEnv: number;
    let dataPath: string;
    let containerId: string;
    const agentEdgeId = `agent-async-${process.pid}-${Date.now()}`;

    beforeAll(async () => {
      await server.request('PUT', '/api/settings', {
        token: admin,
        body: { Edge: { PingInterval: 1, SnapshotInterval: 1, CommandInterval: 1 } },
      });
      const created = await createEdge(`async-agent-${Date.now()}`);
      asyncEnv = created.Id;
      const c = await engine('POST', `/containers/create?name=capstan-async-${Date.now()}`, {
        Image: BUSYBOX,
        Cmd: ['sleep', '600'],
        Labels: { 'capstan.test': 'edge-async' },
      });
      expect(c.status, JSON.stringify(c.body)).toBe(201);
      containerId = c.body.Id as string;
      expect((await engine('POST', `/containers/${containerId}/start`)).status).toBe(204);
      dataPath = mkdtempSync(join(tmpdir(), 'capstan-edge-async-'));
      agent = spawn(process.execPath, [AGENT_MAIN], {
        env: {
          PATH: process.env['PATH'] ?? '',
          EDGE: '1',
          EDGE_ASYNC: '1',
          EDGE_ASYNC_FIRST: '100ms',
          EDGE_ID: agentEdgeId,
          EDGE_KEY: created.EdgeKey,
          DATA_PATH: dataPath,
          LOG_LEVEL: 'DEBUG',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      agent.stdout?.on('data', (d: Buffer) => (agentOutput += d.toString()));
      agent.stderr?.on('data', (d: Buffer) => (agentOutput += d.toString()));
    });

    afterAll(async () => {
      await engine('DELETE', `/containers/${containerId}?force=1`).catch(() => undefined);
    });

    const listed = async () =>
      (
        await server.request<{ Id: string; State: string }[]>(
          'GET',
          `/api/endpoints/${asyncEnv}/docker/containers/json?all=1`,
          { token: admin },
        )
      ).body;

    it('browses the engine through the agent’s snapshots', async () => {
      const list = await until('the first async snapshot', async () => {
        const l = await listed();
        return Array.isArray(l) && l.some((c) => c.Id === containerId) ? l : undefined;
      });
      expect(list.find((c) => c.Id === containerId)?.State).toBe('running');
      // Other tests share this engine: compare the containers of this test (its label) only.
      const ours = encodeURIComponent(JSON.stringify({ label: ['capstan.test=edge-async'] }));
      const engineList = (await engine('GET', `/containers/json?all=1&filters=${ours}`)).body as {
        Id: string;
      }[];
      const listedOurs = list.filter((c) => engineList.some((e) => e.Id === c.Id));
      expect(listedOurs.map((c) => c.Id).sort()).toEqual(engineList.map((c) => c.Id).sort());
      // The proxy's own filters work on the snapshot too.
      const filtered = await server.request<{ Id: string }[]>(
        'GET',
        `/api/endpoints/${asyncEnv}/docker/containers/json?all=1&filters=${ours}`,
        { token: admin },
      );
      expect(filtered.body.map((c) => c.Id).sort()).toEqual(engineList.map((c) => c.Id).sort());
    }, 30_000);

    it('runs a queued stop on the engine and confirms it', async () => {
      const stop = await server.request<{ CommandId: number }>(
        'POST',
        `/api/endpoints/${asyncEnv}/docker/containers/${containerId}/stop`,
        {
          token: admin,
        },
      );
      expect(stop.status, stop.text).toBe(202);
      await until('the container stopped by the agent', async () => {
        const s = await engine('GET', `/containers/${containerId}/json`);
        return s.body?.State?.Running === false ? true : undefined;
      });
      await until('the command confirmed', async () =>
        (await commands(asyncEnv)).find((c) => c.Id === stop.body.CommandId)?.Status === 'confirmed'
          ? true
          : undefined,
      );
      // The next snapshots (patches) show it stopped.
      await until('the patched snapshot', async () =>
        (await listed()).find((c) => c.Id === containerId)?.State === 'exited' ? true : undefined,
      );
    }, 40_000);

    it('recovers from a hash mismatch with a full snapshot', async () => {
      // Replace the server's base behind the agent's back (as the agent: its edge id and secret).
      const secret = readFileSync(join(dataPath, 'agent_edge_secret'), 'utf8').trim();
      const before = agentOutput.length;
      const fake = await post(
        {
          endpointId: asyncEnv,
          snapshot: { docker: snapshot([container('f'.repeat(64), 'fake', 'running')]) },
        },
        { 'X-Capstan-Edge-Secret': secret },
        agentEdgeId,
      );
      expect(fake.status, fake.text).toBe(200);
      // The agent's next patch is against its own base: refused (needFullSnapshot), then its full snapshot puts the
      // truth back. (The fake list may already be gone when read: the agent sends every second.)
      await until('the agent to be asked for a full snapshot', () =>
        Promise.resolve(/asked for a full snapshot/.test(agentOutput.slice(before)) ? true : undefined),
      );
      await until('the real snapshot back', async () => {
        const ids = (await listed()).map((c) => c.Id);
        return ids.includes(containerId) && !ids.includes('f'.repeat(64)) ? true : undefined;
      });
    }, 30_000);
  });
});

/** A POST with raw bytes (fetch would re-encode a binary string). */
function rawPost(
  baseUrl: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; text: string; headers: Headers; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}${EDGE_ASYNC_PATH}`,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, text, headers: h, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
