/**
 * Agent environments (type 2) from the server's side, on real processes: the built server, the built agent
 * (dist/apps/agent/main.js, classic mode on the local Docker engine) and, to see exactly what the server sends,
 * a recording HTTPS listener that answers /ping like an agent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_HEADERS, verifyAgentSignature } from '@capstan/contracts-agent';
import { freePort, TestServer } from '@capstan/testing';
import { createUser, expectApiError, initAdmin, uniqueName, withAdminServer } from './support/fixtures';
import { AGENT_MAIN, converse, createAgentEnv, startAgent, type RealAgent } from './support/agent';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true') throw new Error(`CI needs a Docker engine on ${SOCKET}`);

const h = (name: string) => name.toLowerCase();

interface Recorder {
  url: string;
  seen: { method: string; path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** Answers GET /ping as an agent (204 + headers) and GET /version with a small engine version; records requests. */
async function recordingAgent(): Promise<Recorder> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-agent-cert-'));
  execFileSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-keyout',
    join(dir, 'k'),
    '-out',
    join(dir, 'c'),
  ]);
  const seen: Recorder['seen'] = [];
  const server: Server = createHttpsServer(
    { key: readFileSync(join(dir, 'k')), cert: readFileSync(join(dir, 'c')) },
    (req, res) => {
      const path = req.url ?? '/';
      seen.push({ method: req.method ?? '', path, headers: req.headers });
      req.resume();
      const agentHeaders = {
        [AGENT_HEADERS.agent]: '2.23.0',
        [AGENT_HEADERS.apiVersion]: '2',
        [AGENT_HEADERS.platform]: '1',
      };
      if (path === '/ping') {
        res.writeHead(204, agentHeaders).end();
        return;
      }
      // Other 500s of the agent (not its "engine unreachable" one): a small error body, and a big body.
      if (path.startsWith('/containers/fails/json') || path.startsWith('/containers/fails-big/json')) {
        const big = path.startsWith('/containers/fails-big/');
        res.writeHead(500, { ...agentHeaders, 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({ message: 'Something else broke', details: big ? 'x'.repeat(100_000) : 'details' }),
        );
        return;
      }
      res.writeHead(200, { ...agentHeaders, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(path.startsWith('/version') ? { Version: '20.10.0', ApiVersion: '1.41' } : []));
    },
  );
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    url: `127.0.0.1:${port}`,
    seen,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('agent environments: creation and signatures (recording agent)', () => {
  const env = withAdminServer();
  let recorder: Recorder;

  beforeAll(async () => {
    recorder = await recordingAgent();
  });
  afterAll(async () => recorder.close());

  it('creates a type 2 environment after the ping, signing its first call; the agent version is kept', async () => {
    const r = await createAgentEnv(env, recorder.url);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.Type).toBe(2);
    expect(r.body.URL).toBe(`tcp://${recorder.url}`);
    expect(r.body.Agent).toEqual({ Version: '2.23.0' });
    const ping = recorder.seen.find((s) => s.path === '/ping');
    expect(ping?.headers[h(AGENT_HEADERS.signature)]).toBeUndefined();
    const signed = recorder.seen.filter((s) => s.path !== '/ping');
    expect(signed.length).toBeGreaterThan(0);
    for (const s of signed) {
      const key = String(s.headers[h(AGENT_HEADERS.publicKey)]);
      const signature = String(s.headers[h(AGENT_HEADERS.signature)]);
      expect(key).toMatch(/^[0-9a-f]+$/);
      expect(verifyAgentSignature(key, signature)).toBe(true);
      expect(verifyAgentSignature(key, signature, 'another message')).toBe(false);
    }
  });

  it('sends the target node from ?nodeName= and from X-PortainerAgent-Target, never the caller’s signature', async () => {
    const created = await createAgentEnv(env, recorder.url);
    expect(created.status).toBe(200);
    const id = created.body.Id;
    recorder.seen.length = 0;
    let r = await env.server.request('GET', `/api/endpoints/${id}/docker/containers/json?nodeName=node-2`, {
      token: env.admin,
    });
    expect(r.status, r.text).toBe(200);
    r = await env.server.request('GET', `/api/endpoints/${id}/docker/images/json`, {
      token: env.admin,
      headers: {
        [AGENT_HEADERS.target]: 'node-3',
        [AGENT_HEADERS.publicKey]: 'ab',
        [AGENT_HEADERS.signature]: 'forged',
      },
    });
    expect(r.status, r.text).toBe(200);
    const [a, b] = recorder.seen;
    expect(a?.path).toBe('/containers/json?nodeName=node-2');
    expect(a?.headers[h(AGENT_HEADERS.target)]).toBe('node-2');
    expect(b?.headers[h(AGENT_HEADERS.target)]).toBe('node-3');
    expect(b?.headers[h(AGENT_HEADERS.publicKey)]).not.toBe('ab');
    expect(
      verifyAgentSignature(
        String(b?.headers[h(AGENT_HEADERS.publicKey)]),
        String(b?.headers[h(AGENT_HEADERS.signature)]),
      ),
    ).toBe(true);
    const bad = await env.server.request(
      'GET',
      `/api/endpoints/${id}/docker/info?nodeName=${encodeURIComponent('a b/c')}`,
      {
        token: env.admin,
      },
    );
    expectApiError(bad, 400, /node name/);
  });

  it('tells the agent an administrator may browse the host, never on a caller’s word', async () => {
    const created = await createAgentEnv(env, recorder.url);
    const id = created.body.Id;
    const user = await createUser(env.server, env.admin);
    const put = await env.server.request('PUT', `/api/endpoints/${id}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [user.id]: { RoleId: 1 } } },
    });
    expect(put.status, put.text).toBe(200);
    const browse = `/api/endpoints/${id}/docker/v2/browse/ls?path=/`;
    // Host management features are off by default: refused by the server, the agent is not asked.
    recorder.seen.length = 0;
    let r = await env.server.request('GET', browse, { token: env.admin });
    expectApiError(r, 403, /Host management features are disabled/);
    expect(recorder.seen).toEqual([]);
    const on = await env.server.request('PUT', `/api/endpoints/${id}/settings`, {
      token: env.admin,
      body: { enableHostManagementFeatures: true, allowVolumeBrowserForRegularUsers: true },
    });
    expect(on.status, on.text).toBe(200);
    r = await env.server.request('GET', browse, { token: env.admin });
    expect(r.status, r.text).toBe(200);
    expect(recorder.seen[0]?.path).toBe('/v2/browse/ls?path=/');
    expect(recorder.seen[0]?.headers[h(AGENT_HEADERS.browseHost)]).toBe('1');
    // An environment administrator is not a server administrator: refused by the server, whatever header they send.
    recorder.seen.length = 0;
    r = await env.server.request('GET', browse, {
      token: user.token,
      headers: { [AGENT_HEADERS.browseHost]: '1' },
    });
    expectApiError(r, 403, /Access denied/);
    expect((r.body as { details: string }).details).toBe("Only administrators can browse the host's files");
    expect(recorder.seen).toEqual([]);
    // A volume's files are theirs to browse: forwarded, and the header they sent is not.
    r = await env.server.request('GET', `/api/endpoints/${id}/docker/v2/browse/ls?volumeID=data&path=/`, {
      token: user.token,
      headers: { [AGENT_HEADERS.browseHost]: '1' },
    });
    expect(r.status, r.text).toBe(200);
    expect(recorder.seen[0]?.headers[h(AGENT_HEADERS.browseHost)]).toBeUndefined();
  });

  it('passes the agent’s other 500 answers through unchanged, small or big', async () => {
    const created = await createAgentEnv(env, recorder.url);
    for (const id of ['fails', 'fails-big']) {
      const r = await env.server.request<{ message: string; details: string }>(
        'GET',
        `/api/endpoints/${created.body.Id}/docker/containers/${id}/json`,
        { token: env.admin },
      );
      expect(r.status, id).toBe(500);
      expect(r.body.message).toBe('Something else broke');
      expect(r.body.details).toBe(id === 'fails' ? 'details' : 'x'.repeat(100_000));
    }
  });

  it('keeps its key across a restart: the same public key signs afterwards', async () => {
    const created = await createAgentEnv(env, recorder.url);
    const before = recorder.seen.at(-1)?.headers[h(AGENT_HEADERS.publicKey)];
    expect(before).toBeTruthy();
    await env.server.restart();
    recorder.seen.length = 0;
    const r = await env.server.request('GET', `/api/endpoints/${created.body.Id}/docker/version`, {
      token: env.admin,
    });
    expect(r.status, r.text).toBe(200);
    expect(recorder.seen[0]?.headers[h(AGENT_HEADERS.publicKey)]).toBe(before);
  });

  it('checks a moved agent like a new one before saving its URL', async () => {
    const created = await createAgentEnv(env, recorder.url);
    const id = created.body.Id;
    const closed = await freePort();
    const moved = await env.server.request('PUT', `/api/endpoints/${id}`, {
      token: env.admin,
      body: { URL: `127.0.0.1:${closed}` },
    });
    expectApiError(moved, 422, /Unable to reach the agent/);
    const kept = await env.server.request<{ URL: string }>('GET', `/api/endpoints/${id}`, {
      token: env.admin,
    });
    expect(kept.body.URL).toBe(`tcp://${recorder.url}`);
    // The same listener under another name: a real move, pinged and signed before it is saved.
    const other = recorder.url.replace('127.0.0.1', 'localhost');
    recorder.seen.length = 0;
    const moved2 = await env.server.request<{ URL: string }>('PUT', `/api/endpoints/${id}`, {
      token: env.admin,
      body: { URL: other },
    });
    expect(moved2.status, moved2.text).toBe(200);
    expect(moved2.body.URL).toBe(`tcp://${other}`);
    expect(recorder.seen.map((r) => r.path)).toEqual(['/ping', '/version']);
  });

  it('refuses unreachable agents and URLs that are not agents with a 422; bad URLs with a 400', async () => {
    const closed = await freePort();
    let r = await createAgentEnv(env, `tcp://127.0.0.1:${closed}`);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ message: 'Unable to reach the agent' });
    // The server's own HTTPS port: TLS answers, /ping is no agent's.
    r = await createAgentEnv(env, env.server.httpsUrl.replace('https://', ''));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ message: 'The URL does not lead to a Portainer agent' });
    r = await createAgentEnv(env, 'unix:///var/run/docker.sock');
    expect(r.status).toBe(400);
    r = await createAgentEnv(env, '');
    expect(r.status).toBe(400);
  });
});

describe.runIf(hasDocker)('agent environments through the real agent (classic, local engine)', () => {
  const env = withAdminServer();
  let agent: RealAgent | undefined;
  let envId = 0;
  const created: string[] = [];
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;

  beforeAll(async () => {
    agent = await startAgent();
    if (!agent && process.env['CI'] === 'true')
      throw new Error(`the agent (${AGENT_MAIN}) must be built and answer HTTPS /ping`);
  });
  afterAll(async () => {
    for (const id of created)
      await env.server
        .request('DELETE', docker(`/containers/${id}?force=1`), { token: env.admin })
        .catch(() => undefined);
    agent?.proc.kill('SIGTERM');
  });

  it('adds the agent (ping, signed check) and proxies a container round trip through it', async (ctx) => {
    if (!agent) return ctx.skip('the built agent does not answer HTTPS /ping yet');
    const r = await createAgentEnv(env, `127.0.0.1:${agent.port}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.Type).toBe(2);
    envId = r.body.Id;
    const name = uniqueName('via-agent');
    const c = await env.server.request<{ Id: string }>('POST', docker(`/containers/create?name=${name}`), {
      token: env.admin,
      body: {
        Image: 'capstan/busybox:local',
        Cmd: ['sh', '-c', 'echo hello-from-agent; sleep 300'],
        Tty: false,
      },
    });
    expect(c.status, c.text).toBe(201);
    created.push(c.body.Id);
    const start = await env.server.request('POST', docker(`/containers/${c.body.Id}/start`), {
      token: env.admin,
    });
    expect(start.status, start.text).toBe(204);
    const list = await env.server.request<{ Id: string; Names: string[] }[]>(
      'GET',
      docker('/containers/json'),
      {
        token: env.admin,
      },
    );
    expect(list.status, list.text).toBe(200);
    expect(list.body.find((x) => x.Id === c.body.Id)?.Names).toEqual([`/${name}`]);
    let logs = '';
    for (let i = 0; i < 20 && !logs.includes('hello-from-agent'); i++) {
      const l = await env.server.request('GET', docker(`/containers/${c.body.Id}/logs?stdout=1`), {
        token: env.admin,
      });
      logs = l.text;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(logs).toContain('hello-from-agent');
  });

  it('runs a console exec through the agent’s /websocket/exec', async (ctx) => {
    if (!agent || !created[0]) return ctx.skip('no agent environment');
    const exec = await env.server.request<{ Id: string }>('POST', docker(`/containers/${created[0]}/exec`), {
      token: env.admin,
      body: { AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, Cmd: ['sh'] },
    });
    expect(exec.status, exec.text).toBe(201);
    const url = `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/exec?endpointId=${envId}&id=${exec.body.Id}&token=${env.admin}`;
    const seen = await converse(url, ['echo $((6*7))-via-agent\n'], /42-via-agent/);
    expect(seen).toContain('42-via-agent');
  });

  it('refuses a console for an unknown exec through the agent before upgrading (HTTP 400)', async (ctx) => {
    if (!agent || !envId) return ctx.skip('no agent environment');
    const url = `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/exec?endpointId=${envId}&id=${'f'.repeat(64)}&token=${env.admin}`;
    await expect(converse(url, [], /never/)).rejects.toThrow(/HTTP 4\d\d/);
  });

  it('streams live logs through the agent to the named node (nodeName), over the server’s WebSocket', async (ctx) => {
    if (!agent || !created[0]) return ctx.skip('no agent environment');
    const info = await env.server.request<{ Name: string }>('GET', docker('/info'), { token: env.admin });
    expect(info.status, info.text).toBe(200);
    const q = new URLSearchParams({
      endpointId: String(envId),
      id: created[0],
      nodeName: info.body.Name,
      token: env.admin,
    });
    const seen = await converse(
      `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/logs?${q}`,
      [],
      /hello-from-agent/,
    );
    expect(seen).toContain('hello-from-agent');
  });

  it('keeps roles on agent environments: a user without access gets 404, with read-only no writes', async (ctx) => {
    if (!agent || !envId) return ctx.skip('no agent environment');
    const user = await createUser(env.server, env.admin);
    const hidden = await env.server.request('GET', docker('/containers/json'), { token: user.token });
    expectApiError(hidden, 404);
    const put = await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [user.id]: { RoleId: 4 } } },
    });
    expect(put.status, put.text).toBe(200);
    const list = await env.server.request<unknown[]>('GET', docker('/containers/json'), {
      token: user.token,
    });
    expect(list.status, list.text).toBe(200);
    const write = await env.server.request('POST', docker(`/containers/${created[0]}/stop`), {
      token: user.token,
    });
    expectApiError(write, 403);
  });

  it('refuses, with a 422, to add an agent already associated with another server', async (ctx) => {
    if (!agent || !envId) return ctx.skip('no agent environment');
    const other = await TestServer.start();
    try {
      const token = await initAdmin(other);
      const r = await createAgentEnv({ server: other, admin: token }, `127.0.0.1:${agent.port}`);
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body).toMatchObject({ message: 'The agent refused the server signature' });
    } finally {
      await other.dispose();
    }
  });

  it('speaks AGENT_SECRET mode: a server with the same CAPSTAN_AGENT_SECRET is accepted, others get 422', async (ctx) => {
    if (!agent) return ctx.skip('the built agent does not answer HTTPS /ping yet');
    const secret = `secret-${uniqueName('s')}`;
    const secretAgent = await startAgent({ AGENT_SECRET: secret });
    if (!secretAgent) throw new Error('the agent did not start with AGENT_SECRET');
    const withSecret = await TestServer.start({ env: { CAPSTAN_AGENT_SECRET: secret } });
    try {
      const refused = await createAgentEnv(env, `127.0.0.1:${secretAgent.port}`);
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expect(refused.body).toMatchObject({ message: 'The agent refused the server signature' });
      const token = await initAdmin(withSecret);
      const r = await createAgentEnv({ server: withSecret, admin: token }, `127.0.0.1:${secretAgent.port}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const info = await withSecret.request('GET', `/api/endpoints/${r.body.Id}/docker/info`, { token });
      expect(info.status, info.text).toBe(200);
    } finally {
      secretAgent.proc.kill('SIGTERM');
      await withSecret.dispose();
    }
  });

  it('snapshots the agent environment, counting the engine’s containers', async (ctx) => {
    if (!agent || !envId) return ctx.skip('no agent environment');
    const s = await env.server.request('POST', `/api/endpoints/${envId}/snapshot`, { token: env.admin });
    expect(s.status, s.text).toBe(204);
    const e = await env.server.request<{
      Snapshots: { RunningContainerCount: number; DockerVersion: string }[];
    }>('GET', `/api/endpoints/${envId}`, { token: env.admin });
    expect(e.body.Snapshots[0]?.RunningContainerCount).toBeGreaterThanOrEqual(1);
    expect(e.body.Snapshots[0]?.DockerVersion).toMatch(/^\d+\./);
  });

  it('removes the container through the agent; the pinned key still works after a server restart', async (ctx) => {
    if (!agent || !created[0]) return ctx.skip('no agent environment');
    await env.server.restart();
    const rm = await env.server.request('DELETE', docker(`/containers/${created[0]}?force=1`), {
      token: env.admin,
    });
    expect(rm.status, rm.text).toBe(204);
    created.shift();
  });
});
