import { chmod, mkdir, rm } from 'node:fs/promises';
import {
  createServer,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { BadGatewayError } from '@capstan/server-core';
import type { EngineClient, UpgradeAnswer } from './engine-client';
import type { EngineConnection } from './engine-connection';
import type { EngineConnections } from './engine-connections';

/** Hop-by-hop headers: they describe one connection, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

interface Endpoint {
  readonly path: string;
  readonly server: Server;
  readonly upgraded: Set<Duplex>;
}

/**
 * A local Docker endpoint per environment, for programs the server runs (`docker compose`, `docker stack
 * deploy`): on demand, a unix socket under the data directory (directory 0700, socket 0600) that forwards any
 * Docker API request — streamed responses and upgrades (exec, attach) included — through the environment's
 * `EngineClient`, so its transport, TLS and agent signature apply. Never on TCP. Removed when the environment is
 * deleted and at shutdown.
 */
export class LocalEndpoints {
  private readonly endpoints = new Map<number, Promise<Endpoint>>();

  constructor(
    private readonly directory: string,
    private readonly engines: EngineConnections,
    /** The environment's connection, read again for every request (its settings may change). */
    private readonly connectionOf: (environmentId: number) => Promise<EngineConnection>,
  ) {
    engines.onForget((id) => void this.close(id));
  }

  /** `DOCKER_HOST` for the environment's endpoint, opened on first use. */
  async forEnvironment(environmentId: number): Promise<{ dockerHost: string }> {
    await this.connectionOf(environmentId); // unknown environment: its error, before any socket exists
    let endpoint = this.endpoints.get(environmentId);
    if (!endpoint) {
      endpoint = this.open(environmentId);
      this.endpoints.set(environmentId, endpoint);
      endpoint.catch(() => this.endpoints.delete(environmentId));
    }
    return { dockerHost: `unix://${(await endpoint).path}` };
  }

  async close(environmentId: number): Promise<void> {
    const endpoint = this.endpoints.get(environmentId);
    this.endpoints.delete(environmentId);
    if (!endpoint) return;
    const { server, path, upgraded } = await endpoint.catch(() => ({
      server: undefined,
      path: undefined,
      upgraded: new Set<Duplex>(),
    }));
    for (const socket of upgraded) socket.destroy();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    if (path) await rm(path, { force: true });
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.endpoints.keys()].map((id) => this.close(id)));
  }

  onApplicationShutdown(): Promise<void> {
    return this.closeAll();
  }

  private async open(environmentId: number): Promise<Endpoint> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    await chmod(this.directory, 0o700);
    const path = join(this.directory, `environment-${environmentId}.sock`);
    await rm(path, { force: true }); // left by a server that was killed
    const upgraded = new Set<Duplex>();
    const server = createServer((req, res) => void this.forward(environmentId, req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      upgraded.add(socket);
      socket.on('close', () => upgraded.delete(socket));
      void this.upgrade(environmentId, req, socket, head);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    await chmod(path, 0o600);
    return { path, server, upgraded };
  }

  private async client(environmentId: number): Promise<EngineClient> {
    return this.engines.client(await this.connectionOf(environmentId));
  }

  /** Any request, streamed both ways (pulls, logs -f, events, exports, build contexts). */
  private async forward(environmentId: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let client: EngineClient;
    try {
      client = await this.client(environmentId);
    } catch (e) {
      fail(res, 404, 'No such environment', e);
      return;
    }
    const upstream = client.request(req.method ?? 'GET', req.url ?? '/', endToEnd(req.headers), (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      res.flushHeaders(); // a wait or a followed stream answers its headers long before its body
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (e) => {
      if (res.headersSent) res.destroy();
      else fail(res, 502, 'Unable to reach the Docker engine', e);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** `Upgrade: tcp` (exec start, attach): the engine's raw stream spliced to the caller's socket. */
  private async upgrade(
    environmentId: number,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): Promise<void> {
    socket.on('error', () => socket.destroy());
    let client: EngineClient;
    try {
      client = await this.client(environmentId);
    } catch {
      socket.end(rawAnswer(404, { message: 'No such environment' }));
      return;
    }
    // The request's body (exec start's JSON) came with the headers, in `head`; what follows is the stream.
    const length = Number(req.headers['content-length'] ?? 0) || 0;
    const body = await readExactly(socket, head, length);
    let opened: UpgradeAnswer;
    try {
      opened = await client.openUpgrade(
        req.method ?? 'POST',
        req.url ?? '/',
        endToEnd(req.headers),
        body.body,
      );
    } catch (e) {
      socket.end(
        rawAnswer(502, {
          message: 'Unable to reach the Docker engine',
          details: e instanceof BadGatewayError ? e.details : String(e),
        }),
      );
      return;
    }
    if (opened.upgraded) {
      const { answer, socket: engine, head: engineHead } = opened;
      socket.write(
        `HTTP/1.1 ${answer.statusCode ?? 101} ${answer.statusMessage ?? 'UPGRADED'}\r\n` +
          headerLines({
            ...endToEnd(answer.headers),
            connection: 'Upgrade',
            upgrade: answer.headers.upgrade ?? 'tcp',
          }) +
          '\r\n',
      );
      if (engineHead.length > 0) socket.write(engineHead);
      if (body.rest.length > 0) engine.write(body.rest);
      engine.pipe(socket);
      socket.pipe(engine);
      engine.on('error', () => socket.destroy());
      engine.on('close', () => socket.destroy());
      socket.on('close', () => engine.destroy());
      return;
    }
    // Refused (unknown id, not running…): the engine's answer as it is, then the connection closes.
    const { answer } = opened;
    socket.write(
      `HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}\r\n` +
        headerLines({ ...endToEnd(answer.headers), connection: 'close' }) +
        '\r\n',
    );
    answer.pipe(socket);
  }
}

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

function headerLines(headers: OutgoingHttpHeaders): string {
  let text = '';
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [String(v)]) text += `${k}: ${value}\r\n`;
  }
  return text;
}

function rawAnswer(status: number, body: { message: string; details?: string }): string {
  const text = JSON.stringify({ details: '', ...body });
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  );
}

function fail(res: ServerResponse, status: number, message: string, e: unknown): void {
  const details = e instanceof Error ? e.message : String(e);
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message, details }));
}

/** `length` bytes of body from `head` and, if it is short, from the socket; the rest stays for the stream. */
function readExactly(socket: Duplex, head: Buffer, length: number): Promise<{ body: Buffer; rest: Buffer }> {
  if (head.length >= length)
    return Promise.resolve({ body: head.subarray(0, length), rest: head.subarray(length) });
  return new Promise((resolve) => {
    let got = head;
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < length) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ body: got.subarray(0, length), rest: got.subarray(length) });
    };
    socket.on('data', onData);
  });
}
