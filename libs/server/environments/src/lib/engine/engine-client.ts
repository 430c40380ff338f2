import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CLUSTER_HEADERS, parseUnreachableNodes } from '@capstan/contracts-agent';
import { BadGatewayError, BadRequestError, DomainError } from '@capstan/server-core';
import type { EngineConnection } from './engine-connection';
import type { EngineTransport } from './transports';

/** A plain call's answer: status, parsed JSON body (text becomes `{message}`), headers. */
export interface EngineAnswer {
  status: number;
  body: unknown;
  headers: IncomingHttpHeaders;
}

export interface CallOptions {
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly headers?: OutgoingHttpHeaders;
  /** Defaults to the connection's deadline, else 10 s. */
  readonly timeoutMs?: number;
  /** A bigger answer is an error. Default 32 MiB. */
  readonly maxBytes?: number;
}

/** An open exec or attach console: the hijacked stream of a direct engine, or the agent's WebSocket. */
export type EngineConsole = { kind: 'stream'; stream: Duplex } | { kind: 'websocket'; socket: WebSocket };

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_JSON_BYTES = 32 * 1024 * 1024;
const CONSOLE_OPEN_TIMEOUT_MS = 10_000;
const CONSOLE_MAX_PAYLOAD = 1024 * 1024;

/**
 * The one client on an engine connection, whatever its transport: plain JSON calls, streamed requests (logs,
 * events, pulls, exports, the proxy's pass-through) and upgrades (exec/attach hijack, the agent's consoles).
 * Obtained from `EngineConnections.client(connection)`; cheap, one per use.
 */
export class EngineClient {
  constructor(
    readonly connection: EngineConnection,
    private readonly transport: EngineTransport,
  ) {}

  /**
   * One raw request, streamed both ways: the caller writes the body and ends it, and reads the response.
   * Host header and agent route (signature, target node) are set here.
   */
  request(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders = {},
    onResponse?: (res: IncomingMessage) => void,
    ownSocket = false,
  ): ClientRequest {
    return this.transport.request(
      { method, path, headers, route: this.connection.agent, ownSocket },
      onResponse,
    );
  }

  /**
   * A plain call answered with JSON. Rejects when the engine cannot be reached (or answers too much, or too
   * late); any status resolves. An idempotent call whose pooled socket was closed under it is retried once.
   */
  async call(method: string, path: string, options: CallOptions = {}): Promise<EngineAnswer> {
    try {
      return await this.callOnce(method, path, options);
    } catch (e) {
      if ((method === 'GET' || method === 'HEAD') && isStaleSocket(e))
        return this.callOnce(method, path, options);
      throw e;
    }
  }

  /** A GET that must succeed: its body, and the nodes an agent's fan-out says are missing. */
  async get(path: string): Promise<{ body: unknown; unreachable: string[] }> {
    const answer = await this.call('GET', path);
    if (answer.status < 200 || answer.status >= 300) {
      const message = (answer.body as { message?: unknown } | null | undefined)?.message;
      throw Object.assign(
        new Error(
          `${path}: ${typeof message === 'string' ? message : `the ${this.connection.agent ? 'agent' : 'engine'} answered ${answer.status}`}`,
        ),
        { statusCode: answer.status },
      );
    }
    return {
      body: answer.body ?? null,
      unreachable: parseUnreachableNodes(answer.headers[CLUSTER_HEADERS.unreachable.toLowerCase()]),
    };
  }

  /**
   * A streamed GET (logs, stats, events). Resolves with the response once the engine answered 2xx, its body
   * left paused for the caller; a non-2xx answer is rejected with the engine's message.
   */
  stream(path: string): { request: ClientRequest; response: Promise<IncomingMessage> } {
    let request!: ClientRequest;
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      request = this.request('GET', path, {}, (res) => {
        const status = res.statusCode ?? 502;
        if (status >= 200 && status < 300) return resolve(res);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
        res.on('end', () =>
          reject(
            new BadGatewayError(
              `The engine answered ${status}`,
              engineMessage(Buffer.concat(chunks).toString('utf8')),
            ),
          ),
        );
      });
      request.on('error', (e) => reject(this.unreachable(e)));
      request.end();
    });
    return { request, response };
  }

  /**
   * An exec (started with a TTY) or attach console: through an agent its `/websocket/{exec,attach}?id=` (agent
   * protocol §1.5), otherwise the Docker API's HTTP upgrade. Resolves once the engine accepted, so a refusal is
   * still an HTTP error for the browser.
   */
  openConsole(kind: 'exec' | 'attach', id: string): Promise<EngineConsole> {
    return this.transport.webSocket && this.connection.agent
      ? this.agentConsole(kind, id)
      : this.hijack(kind, id).then((stream) => ({ kind: 'stream' as const, stream }));
  }

  /** Starts the exec (or attach) with an HTTP upgrade and resolves with the raw bidirectional stream. */
  upgrade(
    method: string,
    path: string,
    body: string,
    refused: (status: number, message: string) => Error,
  ): Promise<Duplex> {
    const headers = {
      Connection: 'Upgrade',
      Upgrade: 'tcp',
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
    };
    return new Promise((resolve, reject) => {
      const req = this.request(method, path, headers, undefined, true);
      req.on('upgrade', (_res, socket, rest) => {
        if (rest.length > 0) socket.unshift(rest);
        resolve(socket);
      });
      req.on('response', (res) => {
        // No upgrade: the engine refused (unknown id, container not running...).
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          reject(refused(res.statusCode ?? 502, engineMessage(Buffer.concat(chunks).toString('utf8')))),
        );
      });
      req.on('error', (e) => reject(this.unreachable(e)));
      req.end(body);
    });
  }

  private hijack(kind: 'exec' | 'attach', id: string): Promise<Duplex> {
    const path =
      kind === 'exec'
        ? `/exec/${encodeURIComponent(id)}/start`
        : `/containers/${encodeURIComponent(id)}/attach?stream=1&stdin=1&stdout=1&stderr=1&logs=0`;
    const body = kind === 'exec' ? JSON.stringify({ Detach: false, Tty: true }) : '';
    return this.upgrade('POST', path, body, (status, message) =>
      status === 404
        ? new BadRequestError(`No such ${kind === 'exec' ? 'exec instance' : 'container'}`, message)
        : new BadGatewayError('The engine refused the console', message),
    );
  }

  private agentConsole(kind: 'exec' | 'attach', id: string): Promise<EngineConsole> {
    const open = this.transport.webSocket?.bind(this.transport);
    if (!open) return Promise.reject(new Error('no WebSocket on this transport'));
    return new Promise((resolve, reject) => {
      const ws = open(`/websocket/${kind}?id=${encodeURIComponent(id)}`, this.connection.agent, {
        handshakeTimeout: CONSOLE_OPEN_TIMEOUT_MS,
        maxPayload: CONSOLE_MAX_PAYLOAD,
      });
      ws.once('open', () => {
        ws.removeAllListeners('error');
        resolve({ kind: 'websocket', socket: ws });
      });
      ws.once('unexpected-response', (_req, res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let message = text.trim().slice(0, 500);
          try {
            const body = JSON.parse(text) as { message?: string; details?: string };
            message = [body.message, body.details].filter(Boolean).join(': ') || message;
          } catch {
            // plain text
          }
          const status = res.statusCode ?? 502;
          reject(
            status === 404
              ? new BadRequestError(`No such ${kind === 'exec' ? 'exec instance' : 'container'}`, message)
              : new BadGatewayError(`The agent refused the console (${status})`, message),
          );
        });
      });
      ws.once('error', (e) =>
        reject(new BadGatewayError('Unable to reach the agent', `${this.connection.url}: ${e.message}`)),
      );
    });
  }

  private unreachable(e: Error): Error {
    // The transport's own answer (an edge environment whose tunnel did not come: 503) is already clear.
    if (e instanceof DomainError) return e;
    return new BadGatewayError('Unable to reach the Docker engine', `${this.connection.url}: ${e.message}`);
  }

  private callOnce(method: string, path: string, options: CallOptions): Promise<EngineAnswer> {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: OutgoingHttpHeaders = {
      accept: 'application/json',
      ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
      ...options.headers,
    };
    const timeoutMs =
      options.timeoutMs ?? (this.connection.timeoutMs > 0 ? this.connection.timeoutMs : DEFAULT_TIMEOUT_MS);
    const maxBytes = options.maxBytes ?? MAX_JSON_BYTES;
    return new Promise((resolve, reject) => {
      const req = this.request(method, path, headers, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) res.destroy(new Error('engine answer too large'));
          else chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            body = { message: text.slice(0, 500) };
          }
          resolve({ status: res.statusCode ?? 502, body, headers: res.headers });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(Object.assign(e, { reusedSocket: req.reusedSocket }));
      });
      req.end(payload);
    });
  }
}

/** A pooled socket the other side had closed: nothing reached the engine, an idempotent call may be resent. */
function isStaleSocket(e: unknown): boolean {
  const err = e as { reusedSocket?: boolean; code?: string };
  return err.reusedSocket === true && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
}

/** Docker's error bodies are `{"message": "..."}`; anything else is passed as text. */
export function engineMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // plain text
  }
  return text.trim().slice(0, 500);
}
