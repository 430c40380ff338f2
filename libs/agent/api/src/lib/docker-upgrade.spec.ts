import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';

import { AgentPlatform } from '@capstan/contracts-agent';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { classicAgentSteps } from './agent-api';
import { DockerEngine } from './docker-engine';
import { DockerUpgrades } from './docker-upgrade';
import { silentLogger } from './logger';
import { agentHeaders, AgentRouter } from './router';
import { served, serverKey, spyTable } from './router.testing';
import { SignatureGuard } from './signature-guard';

/**
 * The Docker API upgrade pass-through on real sockets: the router (classic steps) on loopback, a fake engine on a unix
 * socket that answers exec start and attach as the engine does (101 UPGRADED then the raw stream, here an echo; 404
 * unknown id; 409 not running).
 */
interface EngineSaw {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const SIGNED = serverKey();
let dir: string;
let engine: Server;
let dockerUpgrades: DockerUpgrades;
let close: (() => Promise<void>) | undefined;
const saw: EngineSaw[] = [];
const engineSockets = new Set<Duplex>();

function raw(status: string, body: string): string {
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
    body
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-upgrade-'));
  engine = createServer((_req, res) => res.writeHead(400).end('plain request'));
  engine.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    engineSockets.add(socket);
    const length = Number(req.headers['content-length'] ?? 0);
    let got = head;
    const answer = (): void => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
      seen.body = got.subarray(0, length).toString();
      saw.push(seen);
      const rest = got.subarray(length);
      if (req.url?.includes('/missing/'))
        return void socket.end(raw('404 Not Found', '{"message":"No such container: missing"}'));
      if (req.url?.includes('/stopped/'))
        return void socket.end(raw('409 Conflict', '{"message":"Container stopped is not running"}'));
      socket.write(
        'HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n' +
          'Connection: Upgrade\r\nUpgrade: tcp\r\n\r\nready\n',
      );
      const echo = (chunk: Buffer): void => {
        socket.write(`echo:${chunk.toString()}`);
        if (chunk.toString().includes('bye')) socket.end();
      };
      if (rest.length > 0) echo(rest);
      socket.on('data', echo);
    };
    if (got.length >= length) return answer();
    const more = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length < length) return;
      socket.off('data', more);
      answer();
    };
    socket.on('data', more);
  });
  await new Promise<void>((r) => engine.listen(join(dir, 'docker.sock'), r));
});

afterEach(async () => {
  // Spliced connections are the agent's, no longer the server's: closing the server waits for them.
  dockerUpgrades?.close();
  await close?.();
  close = undefined;
});

afterAll(async () => {
  for (const socket of engineSockets) socket.destroy();
  engine.closeAllConnections();
  await new Promise<void>((r) => engine.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

/** The classic router with the real pass-through on the fake engine. */
async function agent(socketPath = join(dir, 'docker.sock')) {
  dockerUpgrades = new DockerUpgrades(
    new DockerEngine({ socketPath }),
    agentHeaders(AgentPlatform.Docker),
    silentLogger,
  );
  const table = { ...spyTable(), dockerUpgrade: dockerUpgrades.pass.bind(dockerUpgrades) };
  const steps = classicAgentSteps({
    platform: AgentPlatform.Docker,
    guard: new SignatureGuard(undefined),
    log: silentLogger,
  });
  const s = await served(new AgentRouter(table, steps, { platform: AgentPlatform.Docker }));
  close = s.close;
  return s;
}

/** A Docker CLI-like hijack: the request (with its body in the same write or after), then the stream. */
function hijack(
  port: number,
  path: string,
  headers: Record<string, string>,
  body = '',
  /** Sent 50 ms after the request head, with the body: stream bytes the client sends before any answer. */
  late?: string,
): { socket: Socket; text: () => string; until: (pattern: RegExp) => Promise<string> } {
  let text = '';
  const socket = connect(port, '127.0.0.1', () => {
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    const requestHead =
      `POST ${path} HTTP/1.1\r\nHost: api.moby.localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${lines.join('')}\r\n`;
    if (late !== undefined) {
      socket.write(requestHead);
      setTimeout(() => socket.write(body + late), 50);
    } else socket.write(requestHead + body);
  });
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (text += c));
  const until = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timeout, got ${JSON.stringify(text)}`)), 5000);
      const check = (): void => {
        if (!pattern.test(text)) return;
        clearTimeout(timer);
        socket.off('data', check);
        resolve(text);
      };
      socket.on('data', check);
      socket.on('end', check);
      check();
    });
  return { socket, text: () => text, until };
}

describe('DockerUpgrades: Docker API upgrades through the agent router', () => {
  it('passes exec start through: 101 with the agent headers, the body, then bytes both ways', async () => {
    const { port } = await agent();
    const exec = hijack(
      port,
      '/v1.47/exec/e1/start?x=1',
      { ...SIGNED, 'X-PortainerAgent-Target': 'node1' },
      '{"Detach":false,"Tty":false}',
    );
    const head = await exec.until(/ready\n/);
    expect(head).toMatch(/^HTTP\/1\.1 101 UPGRADED\r\n/);
    expect(head).toMatch(/\r\nupgrade: tcp\r\n/i);
    expect(head).toMatch(/\r\nportainer-agent-platform: 1\r\n/i);
    expect(head).toMatch(/\r\ncontent-type: application\/vnd\.docker\.raw-stream\r\n/i);
    exec.socket.write('hello');
    expect(await exec.until(/echo:hello/)).toContain('ready\necho:hello');
    exec.socket.write('bye');
    await exec.until(/echo:bye/);

    const seen = saw.at(-1);
    expect(seen).toMatchObject({
      method: 'POST',
      url: '/exec/e1/start?x=1',
      body: '{"Detach":false,"Tty":false}',
    });
    expect(seen?.headers).toMatchObject({ connection: 'Upgrade', upgrade: 'tcp', host: 'docker' });
    expect(seen?.headers['x-portaineragent-signature']).toBeUndefined();
    expect(seen?.headers['x-portaineragent-publickey']).toBeUndefined();
    expect(seen?.headers['x-portaineragent-target']).toBeUndefined();
    exec.socket.destroy();
  });

  it('waits for a body that comes after the headers, and keeps early stream bytes after it', async () => {
    const { port } = await agent();
    const attach = hijack(port, '/containers/c1/attach?stream=1', SIGNED, '{"a":1}', 'early');
    expect(await attach.until(/echo:early/)).toMatch(/\r\n\r\nready\necho:early$/);
    expect(saw.at(-1)).toMatchObject({ url: '/containers/c1/attach?stream=1', body: '{"a":1}' });
    attach.socket.destroy();
  });

  it("answers the engine's refusals (404 no such container, 409 not running) as HTTP, before any upgrade", async () => {
    const { port } = await agent();
    const missing = hijack(port, '/containers/missing/attach?stream=1', SIGNED);
    await new Promise((r) => missing.socket.on('close', r));
    expect(missing.text()).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(missing.text()).toMatch(/\r\nconnection: close\r\n/i);
    expect(missing.text()).toMatch(/\r\nportainer-agent: /i);
    expect(missing.text()).toContain('{"message":"No such container: missing"}');
    expect(missing.text()).not.toContain('101');

    const stopped = hijack(port, '/exec/stopped/start', SIGNED, '{}');
    await new Promise((r) => stopped.socket.on('close', r));
    expect(stopped.text()).toMatch(/^HTTP\/1\.1 409 Conflict\r\n/);
    expect(stopped.text()).toContain('is not running');
  });

  it('refuses an unsigned upgrade before the engine sees it', async () => {
    const { port } = await agent();
    const before = saw.length;
    const unsigned = hijack(port, '/exec/e1/start', {}, '{}');
    await new Promise((r) => unsigned.socket.on('close', r));
    expect(unsigned.text()).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(saw).toHaveLength(before);
  });

  it('answers 500 {message, details} when the engine cannot be reached, and 400 for a chunked body', async () => {
    const { port } = await agent(join(dir, 'absent.sock'));
    const down = hijack(port, '/exec/e1/start', SIGNED, '{}');
    await new Promise((r) => down.socket.on('close', r));
    expect(down.text()).toMatch(/^HTTP\/1\.1 500 /);
    expect(down.text()).toContain('"message":"Unable to proxy the request via the Docker socket"');

    const chunked = connect(port, '127.0.0.1');
    let text = '';
    chunked.setEncoding('utf8');
    chunked.on('data', (c: string) => (text += c));
    const lines = Object.entries(SIGNED).map(([k, v]) => `${k}: ${v}\r\n`);
    chunked.write(
      `POST /exec/e1/start HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
        `Transfer-Encoding: chunked\r\n${lines.join('')}\r\n2\r\n{}\r\n0\r\n\r\n`,
    );
    await new Promise((r) => chunked.on('close', r));
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});
