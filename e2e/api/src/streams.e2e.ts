import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ADMIN_PASSWORD, createUser, uniqueName, withAdminServer } from './support/fixtures';

const SOCKET = '/var/run/docker.sock';
const hasDocker = existsSync(SOCKET);
if (!hasDocker && process.env['CI'] === 'true') throw new Error(`CI needs a Docker engine on ${SOCKET}`);
const LABEL = 'test.capstan.streams';

interface Received<T> {
  messages: T[];
  /** The close code, or undefined when the test closed the socket itself. */
  code?: number;
  reason?: string;
}

interface Opened<T> {
  /** Resolves when the socket is open. */
  open: Promise<void>;
  /** Resolves when the server closed the stream, or when `until` matched (the socket is then closed here). */
  done: Promise<Received<T>>;
  close: () => void;
  /** What has arrived so far. */
  messages: T[];
}

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: { message?: string; details?: string },
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

/** Opens a stream and collects its JSON messages. */
function stream<T>(
  url: string,
  until?: (messages: T[]) => boolean,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Opened<T> {
  const ws = new WebSocket(url, { headers });
  const messages: T[] = [];
  let opened!: () => void;
  const open = new Promise<void>((r) => (opened = r));
  const done = new Promise<Received<T>>((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`timed out; got: ${JSON.stringify(messages).slice(0, 2000)}`));
    }, timeoutMs);
    ws.on('open', () => opened());
    ws.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.concat(data as Buffer[]).toString('utf8');
      messages.push(JSON.parse(text) as T);
      if (until?.(messages)) {
        clearTimeout(timer);
        ws.close();
        resolve({ messages });
      }
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ messages, code, reason: reason.toString() });
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let body = {};
        try {
          body = JSON.parse(text) as object;
        } catch {
          // not JSON
        }
        reject(new HttpRefusal(res.statusCode ?? 0, body));
      });
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  return { open, done, close: () => ws.close(), messages };
}

/** Straight on the engine: the server may already be gone when cleaning up. */
function engine(method: string, path: string): Promise<number> {
  return new Promise((resolve) => {
    request({ socketPath: SOCKET, method, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', () => resolve(0))
      .end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogMessage {
  stream: 'stdout' | 'stderr';
  line: string;
}
interface StatsMessage {
  read: string;
  cpuPercent: number;
  memoryUsage: number;
  memoryLimit: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}
interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  time: number;
  timeNano: number;
}

describe.runIf(hasDocker)('live streams over WebSocket: logs, stats, events (real engine)', () => {
  const env = withAdminServer();
  let envId = 0;
  const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
  const ws = (kind: string, query: Record<string, string | number>, token: string | null = env.admin) => {
    const q = new URLSearchParams({ endpointId: String(envId) });
    for (const [k, v] of Object.entries(query)) q.set(k, String(v));
    if (token !== null) q.set('token', token);
    return `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/${kind}?${q.toString()}`;
  };

  /** Creates and starts a container through the proxy; returns its id. */
  async function run(cmd: string, tty = false): Promise<string> {
    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/containers/create?name=${uniqueName('capstan-stream')}`),
      {
        token: env.admin,
        body: { Image: 'capstan/busybox:local', Cmd: ['sh', '-c', cmd], Tty: tty, Labels: { [LABEL]: '1' } },
      },
    );
    expect(created.status, created.text).toBe(201);
    const started = await env.server.request('POST', docker(`/containers/${created.body.Id}/start`), {
      token: env.admin,
    });
    expect(started.status, started.text).toBe(204);
    return created.body.Id;
  }

  /** Waits until the container's log (straight from the engine) holds `text`. */
  async function waitForLog(id: string, text: string): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const r = await env.server.request('GET', docker(`/containers/${id}/logs?stdout=1&stderr=1`), {
        token: env.admin,
      });
      if (r.text.includes(text)) return;
      await sleep(100);
    }
    throw new Error(`${text} never appeared in the logs of ${id}`);
  }

  let multiplexed = '';
  let tty = '';

  beforeAll(async () => {
    const f = new FormData();
    f.append('Name', uniqueName('local'));
    f.append('EndpointCreationType', '1');
    const created = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    envId = ((await created.json()) as { Id: number }).Id;
    multiplexed = await run(
      'for i in 1 2 3 4 5; do echo line-$i; done; sleep 0.3; echo err-line >&2; sleep 0.3; echo "wide ✓ ünïcode"; sleep 600',
    );
    tty = await run('printf "tty-1\\ntty-2\\n"; sleep 600', true);
    await waitForLog(multiplexed, 'wide');
    await waitForLog(tty, 'tty-2');
    return async () => {
      const list = await new Promise<string>((resolve) => {
        const filters = encodeURIComponent(JSON.stringify({ label: [LABEL] }));
        request({ socketPath: SOCKET, path: `/containers/json?all=1&filters=${filters}` }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', () => resolve('[]'))
          .end();
      });
      for (const c of JSON.parse(list) as { Id: string }[])
        await engine('DELETE', `/containers/${c.Id}?force=1`);
    };
  });

  describe('logs', () => {
    it('sends the tail of a finished log, stderr tagged, then closes with 1000', async () => {
      const all = await stream<LogMessage>(ws('logs', { id: multiplexed })).done;
      expect(all.code).toBe(1000);
      expect(all.messages).toEqual([
        ...[1, 2, 3, 4, 5].map((i) => ({ stream: 'stdout', line: `line-${i}` })),
        { stream: 'stderr', line: 'err-line' },
        { stream: 'stdout', line: 'wide ✓ ünïcode' },
      ]);

      const tail = await stream<LogMessage>(ws('logs', { id: multiplexed, tail: 2, follow: 'false' })).done;
      expect(tail.code).toBe(1000);
      expect(tail.messages).toEqual([
        { stream: 'stderr', line: 'err-line' },
        { stream: 'stdout', line: 'wide ✓ ünïcode' },
      ]);
    });

    it('passes timestamps and since to the engine', async () => {
      const stamped = await stream<LogMessage>(ws('logs', { id: multiplexed, tail: 1, timestamps: 'true' }))
        .done;
      expect(stamped.messages).toHaveLength(1);
      expect(stamped.messages[0]?.line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z wide ✓ ünïcode$/);

      const future = Math.floor(Date.now() / 1000) + 3600;
      const none = await stream<LogMessage>(ws('logs', { id: multiplexed, since: future })).done;
      expect(none).toMatchObject({ code: 1000, messages: [] });
    });

    it('reads a TTY container’s raw output as stdout lines', async () => {
      const r = await stream<LogMessage>(ws('logs', { id: tty })).done;
      expect(r.code).toBe(1000);
      expect(r.messages).toEqual([
        { stream: 'stdout', line: 'tty-1' },
        { stream: 'stdout', line: 'tty-2' },
      ]);
    });

    it('follows: a line written after connecting arrives, and the stream ends with 1000 when the container stops', async () => {
      const id = await run('trap "exit 0" TERM; echo started; while true; do sleep 0.2; done');
      await waitForLog(id, 'started');
      const s = stream<LogMessage>(ws('logs', { id, follow: 1, tail: 0 }));
      await s.open;
      await sleep(300);
      // Written to the main process's stdout from an exec, after the stream opened.
      const exec = await env.server.request<{ Id: string }>('POST', docker(`/containers/${id}/exec`), {
        token: env.admin,
        body: {
          Cmd: ['sh', '-c', 'echo written-later >/proc/1/fd/1; sleep 0.3; echo later-err >/proc/1/fd/2'],
        },
      });
      expect(exec.status, exec.text).toBe(201);
      const started = await env.server.request('POST', docker(`/exec/${exec.body.Id}/start`), {
        token: env.admin,
        body: { Detach: true },
      });
      expect(started.status, started.text).toBe(200);
      for (let i = 0; i < 50 && s.messages.length < 2; i++) await sleep(100);
      const stop = await env.server.request('POST', docker(`/containers/${id}/stop?t=5`), {
        token: env.admin,
      });
      expect(stop.status, stop.text).toBe(204);
      const r = await s.done;
      expect(r.messages).toEqual([
        { stream: 'stdout', line: 'written-later' },
        { stream: 'stderr', line: 'later-err' },
      ]);
      expect(r.code).toBe(1000);
    });
  });

  it('stats: one message per engine sample with sane figures', async () => {
    const r = await stream<StatsMessage>(ws('stats', { id: multiplexed }), (m) => m.length >= 2).done;
    const [a, b] = r.messages as [StatsMessage, StatsMessage];
    for (const s of [a, b]) {
      expect(Object.keys(s).sort()).toEqual([
        'blockRead',
        'blockWrite',
        'cpuPercent',
        'memoryLimit',
        'memoryUsage',
        'networkRx',
        'networkTx',
        'pids',
        'read',
      ]);
      expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
      expect(s.cpuPercent).toBeLessThan(100 * 64);
      expect(s.memoryUsage).toBeGreaterThan(0);
      expect(s.memoryLimit).toBeGreaterThan(s.memoryUsage);
      expect(s.pids).toBeGreaterThanOrEqual(1);
      for (const n of [s.networkRx, s.networkTx, s.blockRead, s.blockWrite])
        expect(n).toBeGreaterThanOrEqual(0);
    }
    // About a second apart, as the engine samples.
    const gap = Date.parse(b.read) - Date.parse(a.read);
    expect(gap).toBeGreaterThan(500);
    expect(gap).toBeLessThan(3000);
  });

  it('events: a container started after connecting is pushed, filtered by type', async () => {
    // Other suites start containers on the same engine meanwhile: this test's container carries its own marker.
    const marker = uniqueName('events');
    const ours = (e: EventMessage) => e.Actor.Attributes['test.capstan.marker'] === marker;
    const s = stream<EventMessage>(ws('events', { type: 'container' }), (m) =>
      m.some((e) => e.Action === 'start' && ours(e)),
    );
    await s.open;
    await sleep(200);
    const created = await env.server.request<{ Id: string }>('POST', docker('/containers/create'), {
      token: env.admin,
      body: {
        Image: 'capstan/busybox:local',
        Cmd: ['sleep', '600'],
        Labels: { [LABEL]: '1', 'test.capstan.marker': marker },
      },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.Id;
    expect(
      (await env.server.request('POST', docker(`/containers/${id}/start`), { token: env.admin })).status,
    ).toBe(204);
    const r = await s.done;
    const start = r.messages.find((e) => e.Action === 'start' && ours(e));
    expect(start).toMatchObject({ Type: 'container', Action: 'start', Actor: { ID: id } });
    expect(start?.Actor.Attributes[LABEL]).toBe('1');
    expect(typeof start?.timeNano).toBe('number');
    expect(r.messages.every((e) => e.Type === 'container')).toBe(true);
    expect(r.messages.filter(ours).map((e) => e.Action)).toContain('create');
  });

  describe('refusals', () => {
    it('401 without a token; 400 with {message, details} for a bad query; 404 for an unknown container', async () => {
      await expect(stream(ws('logs', { id: multiplexed }, null)).done).rejects.toMatchObject({ status: 401 });
      await expect(stream(ws('events', {}, 'not-a-token')).done).rejects.toMatchObject({ status: 401 });

      const bad = await stream(
        ws('logs', { id: '../etc', tail: -1, follow: 'maybe', since: 'yesterday' }),
      ).done.catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(HttpRefusal);
      expect((bad as HttpRefusal).status).toBe(400);
      expect((bad as HttpRefusal).body.message).toBe('Invalid query parameters');
      // Every problem at once.
      for (const p of ['id', 'tail', 'follow', 'since'])
        expect((bad as HttpRefusal).body.details).toContain(p);
      await expect(stream(ws('events', { type: 'container,nonsense' })).done).rejects.toMatchObject({
        status: 400,
      });
      await expect(
        stream(`${env.server.baseUrl.replace('http', 'ws')}/api/websocket/stats?id=abc&token=${env.admin}`)
          .done,
      ).rejects.toMatchObject({ status: 400 });

      const unknown = await stream(ws('logs', { id: 'no-such-container-here' })).done.catch(
        (e: unknown) => e,
      );
      expect(unknown).toMatchObject({ status: 404, body: { message: 'No such container' } });
      await expect(stream(ws('stats', { id: 'no-such-container-here' })).done).rejects.toMatchObject({
        status: 404,
      });
      await expect(stream(ws('events', { endpointId: 999_999 })).done).rejects.toMatchObject({ status: 404 });
    });

    it('takes the session cookie from the same origin only (cross-site WebSocket hijacking)', async () => {
      const login = await env.server.request('POST', '/api/auth', {
        body: { username: 'admin', password: ADMIN_PASSWORD },
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toContain('=');
      const url = ws('logs', { id: multiplexed, tail: 1 }, null);
      await expect(
        stream(url, undefined, { Cookie: cookie, Origin: 'https://evil.example' }).done,
      ).rejects.toMatchObject({ status: 403 });
      const same = await stream<LogMessage>(url, undefined, { Cookie: cookie, Origin: env.server.baseUrl })
        .done;
      expect(same).toMatchObject({ code: 1000, messages: [{ line: 'wide ✓ ünïcode' }] });
    });

    it('403 for logs and stats of a container the user may not see; Helpdesk reads everything', async () => {
      const readOnly = await createUser(env.server, env.admin);
      const standard = await createUser(env.server, env.admin);
      const helpdesk = await createUser(env.server, env.admin);
      const outsider = await createUser(env.server, env.admin);
      const put = await env.server.request('PUT', `/api/endpoints/${envId}`, {
        token: env.admin,
        body: {
          UserAccessPolicies: {
            [readOnly.id]: { RoleId: 4 },
            [standard.id]: { RoleId: 3 },
            [helpdesk.id]: { RoleId: 2 },
          },
        },
      });
      expect(put.status, put.text).toBe(200);
      for (const user of [readOnly, standard]) {
        await expect(stream(ws('logs', { id: multiplexed }, user.token)).done).rejects.toMatchObject({
          status: 403,
        });
        await expect(stream(ws('stats', { id: multiplexed }, user.token)).done).rejects.toMatchObject({
          status: 403,
        });
      }
      // No access to the environment at all: it does not exist for them.
      await expect(stream(ws('logs', { id: multiplexed }, outsider.token)).done).rejects.toMatchObject({
        status: 404,
      });

      const logs = await stream<LogMessage>(ws('logs', { id: multiplexed, tail: 1 }, helpdesk.token)).done;
      expect(logs).toMatchObject({ code: 1000, messages: [{ stream: 'stdout', line: 'wide ✓ ünïcode' }] });
      const events = stream<EventMessage>(ws('events', {}, helpdesk.token));
      await events.open;
      events.close();
      await events.done;
    });

    it('never streams events of resources a Standard or Read-only user does not own', async () => {
      const standard = await createUser(env.server, env.admin);
      const readOnly = await createUser(env.server, env.admin);
      const put = await env.server.request('PUT', `/api/endpoints/${envId}`, {
        token: env.admin,
        body: { UserAccessPolicies: { [standard.id]: { RoleId: 3 }, [readOnly.id]: { RoleId: 4 } } },
      });
      expect(put.status, put.text).toBe(200);
      // Refused outright while streams have no ownership filter; filtered once they have one.
      const opened: Opened<EventMessage>[] = [];
      for (const user of [standard, readOnly]) {
        const s = stream<EventMessage>(ws('events', { type: 'container' }, user.token));
        const refused = await Promise.race([
          s.open.then(() => false),
          s.done.then(
            () => false,
            (e: unknown) => {
              expect(e).toMatchObject({ status: 403 });
              return true;
            },
          ),
        ]);
        if (!refused) opened.push(s);
      }
      // Other suites start containers on the same engine meanwhile: wait for a start of this file's own.
      const admin = stream<EventMessage>(ws('events', { type: 'container' }), (m) =>
        m.some((e) => e.Action === 'start' && e.Actor.Attributes[LABEL] === '1'),
      );
      await admin.open;
      await sleep(200);
      const id = await run('sleep 600');
      expect((await admin.done).messages.some((e) => e.Actor.ID === id)).toBe(true);
      await sleep(300);
      for (const s of opened) {
        s.close();
        expect((await s.done).messages.filter((e) => e.Actor.ID === id)).toEqual([]);
      }
    });
  });
});

const PODMAN_SOCKET = '/run/podman/podman.sock';

describe.runIf(existsSync(PODMAN_SOCKET))('live streams on Podman’s Docker-compatible API', () => {
  const env = withAdminServer();
  let envId = 0;
  const ids: string[] = [];
  const ws = (kind: string, query: Record<string, string>) =>
    `${env.server.baseUrl.replace('http', 'ws')}/api/websocket/${kind}?${new URLSearchParams({
      endpointId: String(envId),
      token: env.admin,
      ...query,
    }).toString()}`;

  beforeAll(async () => {
    const f = new FormData();
    f.append('Name', uniqueName('podman'));
    f.append('EndpointCreationType', '1');
    f.append('URL', `unix://${PODMAN_SOCKET}`);
    f.append('ContainerEngine', 'podman');
    const r = await fetch(`${env.server.baseUrl}/api/endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.admin}` },
      body: f,
    });
    expect(r.status).toBe(200);
    envId = ((await r.json()) as { Id: number }).Id;
    return async () => {
      for (const id of ids)
        await new Promise<void>((resolve) =>
          request(
            { socketPath: PODMAN_SOCKET, method: 'DELETE', path: `/v1.41/containers/${id}?force=1` },
            (res) => {
              res.resume();
              res.on('end', () => resolve());
            },
          )
            .on('error', () => resolve())
            .end(),
        );
    };
  });

  it('logs (stdout and stderr), stats and a start event', async () => {
    // Other suites start containers on this engine meanwhile: wait for the start of this test's own.
    const ours = (e: EventMessage) => e.Action === 'start' && e.Actor.Attributes[LABEL] === '1';
    const events = stream<EventMessage>(ws('events', { type: 'container' }), (m) => m.some(ours));
    await events.open;
    const docker = (path: string) => `/api/endpoints/${envId}/docker${path}`;
    const created = await env.server.request<{ Id: string }>(
      'POST',
      docker(`/v1.41/containers/create?name=${uniqueName('capstan-stream')}`),
      {
        token: env.admin,
        body: {
          Image: 'localhost/capstan/busybox:local',
          Cmd: ['sh', '-c', 'echo out-1; sleep 0.3; echo err-1 >&2; sleep 600'],
          Labels: { [LABEL]: '1' },
        },
      },
    );
    expect(created.status, created.text).toBe(201);
    const id = created.body.Id;
    ids.push(id);
    const started = await env.server.request('POST', docker(`/v1.41/containers/${id}/start`), {
      token: env.admin,
    });
    expect(started.status, started.text).toBe(204);

    const start = (await events.done).messages.find(ours);
    expect(start).toMatchObject({ Type: 'container', Actor: { ID: id } });

    await sleep(800);
    const logs = await stream<LogMessage>(ws('logs', { id })).done;
    expect(logs).toMatchObject({
      code: 1000,
      messages: [
        { stream: 'stdout', line: 'out-1' },
        { stream: 'stderr', line: 'err-1' },
      ],
    });

    const stats = await stream<StatsMessage>(ws('stats', { id }), (m) => m.length >= 2).done;
    for (const s of stats.messages) {
      expect(s.memoryUsage).toBeGreaterThan(0);
      expect(s.memoryLimit).toBeGreaterThan(s.memoryUsage);
      expect(s.pids).toBeGreaterThanOrEqual(1);
      expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
    }
  });
});
