import {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  request,
  ServerResponse,
} from 'node:http';

import { AGENT_HEADERS } from '@capstan/contracts-agent';

import { DockerEngine } from './docker-engine';
import { sendError, messageOf } from './http-util';
import { AgentLogger } from './logger';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
const AGENT_ONLY = new Set(
  [AGENT_HEADERS.publicKey, AGENT_HEADERS.signature, AGENT_HEADERS.target, AGENT_HEADERS.browseHost].map(
    (h) => h.toLowerCase(),
  ),
);

/** The end-to-end headers of a request for the engine, or of its answer: no hop-by-hop header, no agent header. */
export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || AGENT_ONLY.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Docker pass-through (Portainer agent protocol §1.4): method, headers and body go to the local engine
 * unchanged (bar hop-by-hop and the agent's own headers), the reply streams back as it comes, in both
 * directions, so pulls, exports, logs and events are never buffered.
 */
export function proxyToDocker(
  engine: DockerEngine,
  req: IncomingMessage,
  res: ServerResponse,
  pathAndQuery: string,
  log: AgentLogger,
): void {
  const headers = endToEndHeaders(req.headers);
  const method = req.method ?? 'GET';
  const upstream = request(engine.requestOptions(method, pathAndQuery, headers), (reply) => {
    const out: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(reply.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      out[name] = value;
    }
    res.writeHead(reply.statusCode ?? 502, out);
    // A stream (logs, events, pull progress: no length) shows its headers at once; a sized reply goes out with
    // its body (one TLS write instead of two). Every chunk is written through as the engine sends it.
    if (reply.headers['content-length'] === undefined) res.flushHeaders();
    reply.pipe(res);
    reply.on('error', () => res.destroy());
  });
  upstream.on('error', (err) => {
    log.debug(`docker proxy ${method} ${pathAndQuery}: ${messageOf(err)}`);
    if (!res.headersSent) sendError(res, 'dockerSocket', messageOf(err));
    else res.destroy();
  });
  // The client going away ends the engine request too (a followed log stream, a pull).
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
