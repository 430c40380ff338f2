import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { engineCall, errorOf, RunningAgent, ServerKey, startAgent } from './support/agent';

/** Opens a WebSocket to the agent; resolves with the socket, or rejects with the HTTP status and body. */
function open(port: number, path: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}${path}`, { headers, rejectUnauthorized: false });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            body,
            headers: res.headers,
          }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

function readUntil(ws: WebSocket, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timeout, got ${JSON.stringify(text)}`)), timeoutMs);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(false);
      text += data.toString('utf8');
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

describe('agent: WebSocket exec and attach', () => {
  let agent: RunningAgent;
  let container: string;
  const server = new ServerKey();

  beforeAll(async () => {
    agent = await startAgent();
    const created = await engineCall('POST', '/containers/create', {
      Image: 'capstan/busybox:local',
      Cmd: ['sh'],
      Tty: true,
      OpenStdin: true,
    });
    container = (created.json as { Id: string }).Id;
    await engineCall('POST', `/containers/${container}/start`);
  });
  afterAll(async () => {
    await engineCall('DELETE', `/containers/${container}?force=1`);
    await agent.stop();
  });

  it('exec: runs a shell through the agent and round-trips a command (UTF-8 intact)', async () => {
    // The exec is created through the agent's pass-through, as Portainer does.
    const exec = await agent.call('POST', `/containers/${container}/exec`, {
      headers: { ...server.headers(), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        Cmd: ['sh'],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
      }),
    });
    expect(exec.status).toBe(201);
    const { Id } = exec.json() as { Id: string };
    const ws = await open(agent.port, `/websocket/exec?id=${Id}`, server.headers());
    try {
      const output = readUntil(ws, /capstan-\d+-héllo✓/);
      ws.send('echo capstan-$((40+2))-héllo✓\n');
      expect(await output).toContain('capstan-42-héllo✓');
    } finally {
      ws.close();
    }
  });

  it('attach: the container main process answers through /v2/websocket/attach', async () => {
    const ws = await open(agent.port, `/v2/websocket/attach?id=${container}`, {
      ...server.headers(),
      Origin: 'https://elsewhere.example',
    });
    try {
      const output = readUntil(ws, /attached-7/);
      ws.send('echo attached-$((3+4))\n');
      expect(await output).toContain('attached-7');
    } finally {
      ws.close();
    }
  });

  it('refuses an unsigned upgrade with 403 and the contract body', async () => {
    const err = (await open(agent.port, `/websocket/exec?id=abc`, {}).catch((e: unknown) => e)) as {
      status: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(err.status).toBe(403);
    expect(JSON.parse(err.body)).toEqual(errorOf('missingSignature'));
    expect(err.headers['portainer-agent']).toBe('2.23.0');
  });

  it.each([
    ['/websocket/exec', 400, 'missingId'],
    ['/websocket/exec?id=..%2F..%2Fx', 400, 'invalidId'],
  ] as const)('refuses %s with %d', async (path, status, error) => {
    const err = (await open(agent.port, path, server.headers()).catch((e: unknown) => e)) as {
      status: number;
      body: string;
    };
    expect(err.status).toBe(status);
    expect(JSON.parse(err.body)).toEqual(errorOf(error));
  });

  it('answers 404 for an exec that does not exist, before any upgrade', async () => {
    const err = (await open(agent.port, `/websocket/exec?id=${'0'.repeat(64)}`, server.headers()).catch(
      (e: unknown) => e,
    )) as { status: number; body: string };
    expect(err.status).toBe(404);
    expect(JSON.parse(err.body)).toMatchObject({ message: errorOf('streamNotFound').message });
    expect((JSON.parse(err.body) as { details: string }).details).toMatch(/No such exec instance/);
  });
});
