import {
  Agent as HttpAgent,
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  request as httpRequest,
  ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as netConnect, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

import { AGENT_HEADERS } from '@capstan/contracts-agent';

import { parseIdentity } from './identity';
import { Member, MemberIdentity } from './members';
import { NodeResult, readNodePart } from './merge';

/**
 * Agent-to-agent HTTP. Agents present self-signed certificates regenerated at every start, so peers skip
 * verification (as the original): what protects a forwarded request is the server's signature, which every
 * receiving agent checks itself.
 */
export type PeerScheme = 'http' | 'https';

export interface PeerTransportOptions {
  scheme: PeerScheme;
  /** Connection set-up budget; a powered-off node must not hold a fanned-out answer for long. */
  connectTimeoutMs?: number;
  /** Whole-request budget for one node's part of a fan-out (120 s in the original). */
  fanOutTimeoutMs?: number;
  /**
   * How long a peer may take to answer before the transport checks that it is still there: a GET /ping on a fresh
   * connection (not the kept-alive one, which a powered-off node neither answers nor resets). A peer that does not
   * answer its check is given up at once; one that does is waited for (a slow engine is not a dead one), and
   * checked again after the same delay. Default 1 s.
   */
  livenessAfterMs?: number;
}

const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);

/** How long a member that failed a liveness check is failed at once (unless a probe hears it first). */
const SILENT_FOR_MS = 30_000;

const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
];

export class PeerTransport {
  private readonly agent: HttpAgent;
  private readonly connectTimeoutMs: number;
  private readonly fanOutTimeoutMs: number;
  private readonly livenessAfterMs: number;
  /**
   * Peers (`address:port`) that failed a liveness check, with when: asked again before they answer a probe, they
   * fail at once instead of stalling each request for another check (the member table drops them after its expiry).
   */
  private readonly silent = new Map<string, number>();

  constructor(private readonly options: PeerTransportOptions) {
    this.agent =
      options.scheme === 'https'
        ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: false, maxSockets: 64 })
        : new HttpAgent({ keepAlive: true, maxSockets: 64 });
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
    this.fanOutTimeoutMs = options.fanOutTimeoutMs ?? 120_000;
    this.livenessAfterMs = options.livenessAfterMs ?? 1_000;
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * GET /ping on a peer: its identity headers, or null (no answer, not 204, no identity). `fresh` opens a new
   * connection instead of reusing a kept-alive one. An answer clears the peer's liveness failure.
   */
  probe(
    address: string,
    port: number,
    timeoutMs = this.connectTimeoutMs,
    fresh = false,
  ): Promise<MemberIdentity | null> {
    return new Promise((resolve) => {
      const req = this.request(
        { host: address, port, method: 'GET', path: '/ping', timeout: timeoutMs, fresh },
        (res) => {
          res.resume();
          const identity = res.statusCode === 204 ? parseIdentity(res.headers) : null;
          if (identity) this.silent.delete(peerKey(address, port));
          resolve(identity);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(null));
      req.end();
    });
  }

  /**
   * Whether the member failed a liveness check and has not answered a probe since (for at most `SILENT_FOR_MS`:
   * then a request tries it again).
   */
  isSilent(member: Member, now = Date.now()): boolean {
    const key = peerKey(member.address, member.port);
    const since = this.silent.get(key);
    if (since === undefined) return false;
    if (now - since <= SILENT_FOR_MS) return true;
    this.silent.delete(key);
    return false;
  }

  /**
   * Streams req to the member's agent and its answer back to res, headers kept (signature included) and the
   * target set to the member, so the receiving agent serves it locally.
   */
  forward(req: IncomingMessage, res: ServerResponse, member: Member, path: string): void {
    const unreachable = (reason: string): void =>
      sendJson(res, 500, {
        message: 'The agent was unable to contact any other agent',
        details: `Unable to reach the agent on ${member.nodeName}: ${reason}`,
      });
    if (this.isSilent(member)) {
      req.resume();
      unreachable('it did not answer its last liveness check');
      return;
    }
    const headers = forwardHeaders(req.headers, member.nodeName);
    const out = this.request(
      { host: member.address, port: member.port, method: req.method, path, headers },
      (upstream) => {
        stopWatching();
        res.writeHead(upstream.statusCode ?? 502, stripHopByHop(upstream.headers));
        upstream.pipe(res);
        upstream.on('error', () => res.destroy());
      },
    );
    // No answer yet: a connection budget, then liveness checks until the head arrives; once it has, streams (logs,
    // events, a long wait) may stay open for as long as they last.
    const stopWatching = this.watch(out, member);
    out.on('error', (err) => {
      stopWatching();
      if (res.headersSent) {
        res.destroy();
        return;
      }
      unreachable(err.message);
    });
    res.on('close', () => {
      stopWatching();
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  }

  /** One node's part of a fan-out: the parsed JSON body or a failure. The body is the buffered request body. */
  fetchJson(
    member: Member,
    method: string,
    path: string,
    inHeaders: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<NodeResult> {
    return new Promise((resolve) => {
      const fail = (error: string): void => resolve({ nodeName: member.nodeName, ok: false, error });
      if (this.isSilent(member)) {
        fail('did not answer its last liveness check');
        return;
      }
      const headers = forwardHeaders(inHeaders, member.nodeName);
      delete headers['accept-encoding']; // the answer is parsed here
      headers['content-length'] = String(body.length);
      const req = this.request({ host: member.address, port: member.port, method, path, headers }, (res) =>
        readNodePart(
          member.nodeName,
          res,
          (result) => {
            stopWatching();
            resolve(result);
          },
          () => req.destroy(),
        ),
      );
      // Liveness checks until the whole answer is in (a list is small: it comes at once or not at all), within the
      // fan-out budget.
      const stopWatching = this.watch(req, member, true);
      const budget = setTimeout(() => req.destroy(new Error('no answer in time')), this.fanOutTimeoutMs);
      budget.unref();
      req.on('close', () => clearTimeout(budget));
      req.on('error', (err) => {
        stopWatching();
        fail(err.message);
      });
      req.end(body);
    });
  }

  /**
   * Relays a WebSocket upgrade (attach/exec) to the member's agent at the byte level: the request head is
   * re-sent with the target set, then both directions are piped untouched (the peer's 101 or its refusal, the
   * frames, a request body still in flight).
   */
  forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, member: Member, path: string): void {
    const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${member.address}:${member.port}`];
    const target = AGENT_HEADERS.target.toLowerCase();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      if (name !== 'host' && name !== target) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    lines.push(`${AGENT_HEADERS.target}: ${member.nodeName}`);
    const onConnect = (): void => {
      upstream.setTimeout(0);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    };
    const upstream =
      this.options.scheme === 'https'
        ? tlsConnect({ host: member.address, port: member.port, rejectUnauthorized: false }, onConnect)
        : netConnect({ host: member.address, port: member.port }, onConnect);
    upstream.setTimeout(this.connectTimeoutMs, () => upstream.destroy(new Error('connection timed out')));
    upstream.on('error', (err: Error) => {
      if (upstream.bytesRead > 0) {
        socket.destroy();
        return;
      }
      const body = JSON.stringify({
        message: 'The agent was unable to contact any other agent',
        details: `Unable to reach the agent on ${member.nodeName}: ${err.message}`,
      });
      socket.end(
        `HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
  }

  /**
   * Guards a request to a member until its answer (head, or whole body with `untilEnd`) is in: the connection must
   * be made within the connect budget (else, or with no route to the host, the member is marked silent); then, every `livenessAfterMs` without an answer, the member is probed on a
   * fresh connection, and the request is failed (and the peer's idle kept-alive sockets dropped) if it does not
   * answer. Returns the function that stops the guard.
   */
  private watch(req: ClientRequest, member: Member, untilEnd = false): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      stopped = true;
      clearTimeout(timer);
    };
    const check = (): void => {
      timer = setTimeout(() => {
        void this.probe(member.address, member.port, this.connectTimeoutMs, true).then((identity) => {
          if (stopped) return;
          if (identity) {
            check();
            return;
          }
          this.markSilent(member);
          this.dropIdleSockets(member);
          req.destroy(new Error(`no answer, and ${member.nodeName} did not answer a liveness check either`));
        });
      }, this.livenessAfterMs);
      timer.unref();
    };
    req.on('socket', (socket: Socket) => {
      if (!socket.connecting) return check();
      const connectTimer = setTimeout(() => {
        this.markSilent(member);
        req.destroy(new Error('connection timed out'));
      }, this.connectTimeoutMs);
      connectTimer.unref();
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        if (!stopped) check();
      });
      socket.once('close', () => clearTimeout(connectTimer));
    });
    // A host that is gone (no route) is as silent as one that does not answer.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (UNREACHABLE_CODES.has(err.code ?? '')) this.markSilent(member);
    });
    if (!untilEnd) req.once('response', stop);
    req.once('close', stop);
    return stop;
  }

  private markSilent(member: Member): void {
    this.silent.delete(peerKey(member.address, member.port));
    this.silent.set(peerKey(member.address, member.port), Date.now());
    // Bounded: task addresses change as Swarm reschedules agents.
    while (this.silent.size > 256) {
      const oldest = this.silent.keys().next().value;
      if (oldest === undefined) break;
      this.silent.delete(oldest);
    }
  }

  /** Idle kept-alive sockets to a member that stopped answering: the next request must open a new connection. */
  private dropIdleSockets(member: Member): void {
    for (const sockets of Object.values(this.agent.freeSockets)) {
      for (const s of sockets ?? []) {
        if (s.remoteAddress === member.address && s.remotePort === member.port) s.destroy();
      }
    }
  }

  private request(
    options: {
      host: string;
      port: number;
      method?: string;
      path: string;
      headers?: Record<string, string | string[]>;
      timeout?: number;
      /** A new connection, not a kept-alive one (liveness checks). */
      fresh?: boolean;
    },
    onResponse: (res: IncomingMessage) => void,
  ): ClientRequest {
    const { fresh, ...rest } = options;
    const opts = { agent: fresh ? false : this.agent, ...rest };
    return this.options.scheme === 'https'
      ? httpsRequest({ ...opts, rejectUnauthorized: false }, onResponse)
      : httpRequest(opts, onResponse);
  }
}

function peerKey(address: string, port: number): string {
  return `${address}:${port}`;
}

/** Incoming headers for a peer: all kept (signature, public key, manager-operation), target set, hop-by-hop dropped. */
export function forwardHeaders(
  headers: IncomingHttpHeaders,
  targetNode: string,
  keepUpgrade = false,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'host') continue;
    if (!keepUpgrade && HOP_BY_HOP.includes(name)) continue;
    out[name] = value;
  }
  out[AGENT_HEADERS.target.toLowerCase()] = targetNode;
  return out;
}

function stripHopByHop(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.includes(name)) out[name] = value;
  }
  return out;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
