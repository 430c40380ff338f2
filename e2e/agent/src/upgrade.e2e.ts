import { connect, TLSSocket } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { engineCall, RunningAgent, ServerKey, startAgent } from './support/agent';

/**
 * Docker API connection upgrades through the agent on the real engine, as the docker CLI sends them: `POST` with
 * `Connection: Upgrade`, `Upgrade: tcp` and the JSON body on a TLS connection, then the hijacked stream both ways.
 */
interface Hijack {
  socket: TLSSocket;
  text: () => string;
  until: (pattern: RegExp) => Promise<string>;
  closed: Promise<void>;
}

function hijack(port: number, path: string, headers: Record<string, string>, body = ''): Hijack {
  let text = '';
  const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: api.moby.localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${lines.join('')}\r\n` +
        body,
    );
  });
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (text += c));
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  const until = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout, got ${JSON.stringify(text)}`)), 10_000);
      const check = (): void => {
        if (!pattern.test(text)) return;
        clearTimeout(timer);
        resolve(text);
      };
      socket.on('data', check);
      check();
    });
  return { socket, text: () => text, until, closed };
}

describe('agent: Docker API upgrades (attach, exec start) passed through to the engine', () => {
  let agent: RunningAgent;
  let container: string;
  const server = new ServerKey();

  const createExec = async (id: string, cmd: string[]): Promise<string> => {
    const exec = await agent.call('POST', `/v1.41/containers/${id}/exec`, {
      headers: { ...server.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        Cmd: cmd,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
      }),
    });
    expect(exec.status).toBe(201);
    return (exec.json() as { Id: string }).Id;
  };

  beforeAll(async () => {
    agent = await startAgent();
    const created = await engineCall('POST', '/containers/create', {
      Image: 'capstan/busybox:local',
      Cmd: ['sh', '-c', 'while read line; do echo "attached:$line"; done'],
      Tty: true,
      OpenStdin: true,
      Labels: { 'test.capstan': 'agent-upgrade' },
    });
    container = (created.json as { Id: string }).Id;
    await engineCall('POST', `/containers/${container}/start`);
  });
  afterAll(async () => {
    await engineCall('DELETE', `/containers/${container}?force=1`);
    await agent.stop();
  });

  it('exec start: 101 with the agent headers, stdin in and output out on the hijacked stream', async () => {
    const id = await createExec(container, ['sh', '-c', 'read x; echo "got-$x"']);
    const exec = hijack(
      agent.port,
      `/v1.41/exec/${id}/start`,
      server.headers(),
      '{"Detach":false,"Tty":true}',
    );
    const head = await exec.until(/\r\n\r\n/);
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    expect(head).toMatch(/\r\nupgrade: tcp\r\n/i);
    expect(head).toMatch(/\r\nportainer-agent-platform: 1\r\n/i);
    exec.socket.write('ping\n');
    expect(await exec.until(/got-ping/)).toContain('got-ping');
    await exec.closed; // the exec ends, the engine closes, the agent closes
  });

  it('exec start: the client half-closes after stdin (as docker exec -i does) and still gets the output', async () => {
    const exec = await agent.call('POST', `/containers/${container}/exec`, {
      headers: { ...server.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        Cmd: ['sh', '-c', 'read x; sleep 0.2; echo "half-$x"'],
        AttachStdin: true,
        AttachStdout: true,
      }),
    });
    const { Id } = exec.json() as { Id: string };
    const start = hijack(agent.port, `/exec/${Id}/start`, server.headers(), '{"Detach":false,"Tty":false}');
    expect(await start.until(/\r\n\r\n/)).toMatch(/^HTTP\/1\.1 101 /);
    start.socket.end('ping\n');
    await start.closed;
    expect(start.text()).toContain('half-ping');
  });

  it('attach: the running container reads stdin and writes to the stream', async () => {
    const attach = hijack(
      agent.port,
      `/containers/${container}/attach?stream=1&stdin=1&stdout=1&stderr=1`,
      server.headers(),
    );
    expect(await attach.until(/\r\n\r\n/)).toMatch(/^HTTP\/1\.1 101 /);
    attach.socket.write('hello\n');
    expect(await attach.until(/attached:hello/)).toContain('attached:hello');
    attach.socket.destroy();
  });

  it("answers the engine's 404 and 409 as HTTP before any upgrade", async () => {
    const missing = hijack(
      agent.port,
      '/containers/capstan-no-such-container/attach?stream=1',
      server.headers(),
    );
    await missing.closed;
    expect(missing.text()).toMatch(/^HTTP\/1\.1 404 /);
    expect(missing.text()).toContain('No such container: capstan-no-such-container');

    // The engine refuses an exec start with 409 before hijacking while its container is paused (an exited
    // container's execs are gone: 404).
    const id = await createExec(container, ['true']);
    expect((await engineCall('POST', `/containers/${container}/pause`)).status).toBe(204);
    try {
      const exec = hijack(agent.port, `/exec/${id}/start`, server.headers(), '{"Detach":false,"Tty":true}');
      await exec.closed;
      expect(exec.text()).toMatch(/^HTTP\/1\.1 409 /);
      expect(exec.text()).toMatch(/\r\nPortainer-Agent: /i);
      expect(exec.text()).toContain('is paused');
    } finally {
      await engineCall('POST', `/containers/${container}/unpause`);
    }
  });

  it('refuses an unsigned upgrade (403) before the engine', async () => {
    const unsigned = hijack(agent.port, `/containers/${container}/attach?stream=1&stdout=1`, {});
    await unsigned.closed;
    expect(unsigned.text()).toMatch(/^HTTP\/1\.1 403 /);
  });
});
