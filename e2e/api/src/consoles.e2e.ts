import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN_PASSWORD, createUser, uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true') throw new Error(`CI needs a Docker engine on ${SOCKET}`);

/** Opens a WebSocket and collects text until `until` matches (or times out). */
function converse(
  url: string,
  send: string[],
  until: RegExp,
  headers: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    let seen = '';
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`timed out; got: ${JSON.stringify(seen)}`));
    }, 10_000);
    ws.on('open', () => send.forEach((s, i) => setTimeout(() => ws.send(s), 150 * (i + 1))));
    ws.on('message', (data) => {
      seen += Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(data as Buffer[]).toString('utf8');
      if (until.test(seen)) {
        clearTimeout(timer);
        ws.close();
        resolve(seen);
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** The plain HTTP answer to an upgrade the server refuses: its status and `{message, details}` body. */
function refusal(url: string): Promise<{ status: number; body: { message?: string; details?: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') as object }));
    });
    ws.on('error', reject);
  });
}

describe.runIf(hasDocker)('exec and attach consoles over WebSocket (real engine)', () => {
  const env = withAdminServer();
  let envId = 0;
  let containerId = '';
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const wsUrl = (kind: string, id: string, token: string) =>
    `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/${kind}?endpointId=${envId}&id=${id}&token=${token}`;

  beforeAll(async () => {
    const f = new FormData();
    f.append('Name', uniqueName('local'));
    f.append('EndpointCreationType', '1');
    envId = (
      (await (
        await fetch(`${env.server.baseUrl}/api/endpoints`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${env.admin}` },
          body: f,
        })
      ).json()) as { Id: number }
    ).Id;
    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/containers/create?name=${uniqueName('capstan-console')}`),
      {
        token: env.admin,
        body: {
          Image: 'capstan/busybox:local',
          Cmd: ['sh', '-c', 'while read line; do echo "got:$line"; done; sleep 600'],
          OpenStdin: true,
          Tty: false,
          Labels: { 'test.capstan': 'console' },
        },
      },
    );
    containerId = created.body.Id;
    await env.server.request('POST', docker(`/containers/${containerId}/start`), { token: env.admin });
    // Removed straight on the engine: the server may already be gone when this runs.
    return () =>
      new Promise<void>((resolve) => {
        request(
          { socketPath: SOCKET, method: 'DELETE', path: `/containers/${containerId}?force=1` },
          (res) => {
            res.resume();
            res.on('end', () => resolve());
          },
        )
          .on('error', () => resolve())
          .end();
      });
  });

  async function newExec(token: string) {
    const exec = await env.server.request<{ Id: string }>('POST', docker(`/containers/${containerId}/exec`), {
      token,
      body: { Cmd: ['sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true },
    });
    expect(exec.status).toBe(201);
    return exec.body.Id;
  }

  it('runs a command in an exec console, and resizes it through the proxy', async () => {
    const execId = await newExec(env.admin);
    const out = await converse(wsUrl('exec', execId, env.admin), ['echo capstan-$((40+2))\n'], /capstan-42/);
    expect(out).toContain('capstan-42');
    const resize = await env.server.request('POST', docker(`/exec/${execId}/resize?h=40&w=120`), {
      token: env.admin,
    });
    expect([200, 201]).toContain(resize.status);
  });

  it('attaches to the container’s stdin and stdout', async () => {
    const out = await converse(
      wsUrl('attach', containerId, env.admin),
      ['hello-capstan\n'],
      /got:hello-capstan/,
    );
    expect(out).toContain('got:hello-capstan');
  });

  it('refuses without credentials, for roles without consoles, and for unknown ids', async () => {
    await expect(converse(wsUrl('exec', 'abc', 'not-a-token'), [], /x/)).rejects.toMatchObject({
      status: 401,
    });
    const readOnly = await createUser(env.server, env.admin);
    await env.server.request('PUT', `/api/endpoints/${envId}`, {
      token: env.admin,
      body: { UserAccessPolicies: { [readOnly.id]: { RoleId: 4 } } },
    });
    await expect(converse(wsUrl('attach', containerId, readOnly.token), [], /x/)).rejects.toMatchObject({
      status: 403,
    });
    await expect(converse(wsUrl('exec', 'no-such-exec', env.admin), [], /x/)).rejects.toMatchObject({
      status: 400,
    });
    // A cookie session from another origin is refused (cross-site WebSocket hijacking).
    const login = await env.server.request('POST', '/api/auth', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const execId = await newExec(env.admin);
    const url = `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/exec?endpointId=${envId}&id=${execId}`;
    await expect(
      converse(url, [], /x/, { Cookie: cookie, Origin: 'https://evil.example' }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('checks the query like an HTTP body (400 {message, details}), answers unknown paths 404, and audits consoles', async () => {
    const base = `${env.server.baseUrl.replace('http', 'ws')}/api/websocket`;
    const wrongType = await refusal(`${base}/exec?endpointId=abc&id=x&token=${env.admin}`);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe('Invalid query parameters');
    expect(wrongType.body.details).toContain('endpointId');
    const missingId = await refusal(`${base}/attach?endpointId=${envId}&token=${env.admin}`);
    expect(missingId).toMatchObject({ status: 400, body: { message: 'Invalid query parameters' } });
    expect(missingId.body.details).toContain('id');
    expect(missingId.body.details).not.toContain('endpointId');
    // The query is checked before anything else, credentials included.
    expect((await refusal(`${base}/exec?id=../x`)).status).toBe(400);
    const unknown = await refusal(`${base}/no-such-stream?token=${env.admin}`);
    expect(unknown).toMatchObject({ status: 404, body: { message: 'Not found' } });

    const execId = await newExec(env.admin);
    await converse(wsUrl('exec', execId, env.admin), ['echo audited\n'], /audited/);
    let entries: { path: string; status: number; environmentId: number | null; payload: string }[] = [];
    for (let i = 0; i < 50 && !entries.some((l) => l.status === 101); i++) {
      const page = await env.server.request<{ logs: typeof entries }>(
        'GET',
        `/api/audit/activity-logs?keyword=${execId}`,
        { token: env.admin },
      );
      entries = page.body.logs;
      await new Promise((r) => setTimeout(r, 100));
    }
    const opened = entries.find((l) => l.status === 101);
    expect(opened).toMatchObject({ path: '/api/websocket/exec', environmentId: envId });
    expect(opened?.payload).toContain(execId);
    expect(opened?.payload).not.toContain(env.admin);
  });
});
