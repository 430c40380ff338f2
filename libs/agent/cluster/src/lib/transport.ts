import {
  Agent as HttpAgent,
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
import { NodeResult } from './merge';

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
}

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

  constructor(private readonly options: PeerTransportOptions) {
    this.agent =
      options.scheme === 'https'
        ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: false, maxSockets: 64 })
        : new HttpAgent({ keepAlive: true, maxSockets: 64 });
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3_000;
    this.fanOutTimeoutMs = options.fanOutTimeoutMs ?? 120_000;
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET /ping on a peer: its identity headers, or null (no answer, not 204, no identity). */
  probe(address: string, port: number, timeoutMs = this.connectTimeoutMs): Promise<MemberIdentity | null> {
    return new Promise((resolve) => {
      const req = this.request(
        { host: address, port, method: 'GET', path: '/ping', timeout: timeoutMs },
        (res) => {
          res.resume();
          resolve(res.statusCode === 204 ? parseIdentity(res.headers) : null);
        },
      );
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(null));
      req.end();
    });
  }

  /**
   * Streams req to the member's agent and its answer back to res, headers kept (signature included) and the
   * target set to the member, so the receiving agent serves it locally.
   */
  forward(req: IncomingMessage, res: ServerResponse, member: Member, path: string): void {
    const headers = forwardHeaders(req.headers, member.nodeName);
    const out = this.request(
      {
        host: member.address,
        port: member.port,
        method: req.method,
        path,
        headers,
        timeout: this.connectTimeoutMs,
      },
      (upstream) => {
        out.setTimeout(0); // connected and answering: streams (logs, events) may stay open for long
        res.writeHead(upstream.statusCode ?? 502, stripHopByHop(upstream.headers));
        upstream.pipe(res);
        upstream.on('error', () => res.destroy());
      },
    );
    out.on('timeout', () => out.destroy(new Error('timeout')));
    out.on('error', (err) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 500, {
        message: 'The agent was unable to contact any other agent',
        details: `Unable to reach the agent on ${member.nodeName}: ${err.message}`,
      });
    });
    res.on('close', () => {
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
      const headers = forwardHeaders(inHeaders, member.nodeName);
      delete headers['accept-encoding']; // the answer is parsed here
      headers['content-length'] = String(body.length);
      let isConnected = false;
      const fail = (error: string): void => resolve({ nodeName: member.nodeName, ok: false, error });
      const req = this.request(
        { host: member.address, port: member.port, method, path, headers, timeout: this.connectTimeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => fail(err.message));
          res.on('end', () => {
            try {
              resolve({
                nodeName: member.nodeName,
                ok: true,
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
              });
            } catch {
              fail(`status ${res.statusCode ?? 0}, body is not JSON`);
            }
          });
        },
      );
      req.on('socket', (s: Socket) => {
        const connected = (): void => {
          isConnected = true;
          req.setTimeout(this.fanOutTimeoutMs);
        };
        // A kept-alive socket is connected already: the long budget applies at once.
        if (s.connecting) s.once('connect', connected);
        else connected();
      });
      req.on('timeout', () =>
        req.destroy(new Error(isConnected ? 'no answer in time' : 'connection timed out')),
      );
      req.on('error', (err) => fail(err.message));
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

  private request(
    options: {
      host: string;
      port: number;
      method?: string;
      path: string;
      headers?: Record<string, string | string[]>;
      timeout?: number;
    },
    onResponse: (res: IncomingMessage) => void,
  ) {
    const opts = { agent: this.agent, ...options };
    return this.options.scheme === 'https'
      ? httpsRequest({ ...opts, rejectUnauthorized: false }, onResponse)
      : httpRequest(opts, onResponse);
  }
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
