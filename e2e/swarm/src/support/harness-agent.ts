import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { Duplex } from 'node:stream';

import { AgentCluster } from '@capstan/agent-cluster';
import { AGENT_API_VERSION, AGENT_HEADERS, verifyAgentSignature } from '@capstan/contracts-agent';

/**
 * A stand-in agent for the Swarm suite: the cluster lib (@capstan/agent-cluster) in front of a plain Docker
 * pass-through, with the agent's signature check, /ping and /agents. It is what apps/agent does in cluster mode
 * minus everything else (TLS, browse, host info, the WebSocket framing of exec), so the suite can prove the
 * cluster's discovery, routing, fan-out and forwarding on real engines before the full agent is wired to it.
 * Docker's own upgraded exec (`Upgrade: tcp`) stands in for the WebSocket: the relay is byte for byte either way.
 */
export interface HarnessOptions {
  socketPath: string;
  host: string;
  port: number;
  clusterAddr?: string;
  containerId?: string | null;
  log?: (msg: string) => void;
}

export interface HarnessAgent {
  port: number;
  cluster: AgentCluster;
  close(): Promise<void>;
}

const VERSION_PREFIX = /^\/v\d+\.\d+(?=\/)/;

export async function startHarnessAgent(options: HarnessOptions): Promise<HarnessAgent> {
  const server: Server = createServer();
  let cluster: AgentCluster | null = null;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader(AGENT_HEADERS.agent, '2.23.0');
    res.setHeader(AGENT_HEADERS.apiVersion, AGENT_API_VERSION);
    res.setHeader(AGENT_HEADERS.platform, '1');
    const url = new URL(req.url ?? '/', 'http://agent');
    const path = url.pathname.replace(VERSION_PREFIX, '');
    if (path === '/ping' && req.method === 'GET') {
      for (const [k, v] of Object.entries(cluster?.pingHeaders() ?? {})) res.setHeader(k, v);
      res.writeHead(204).end();
      return;
    }
    if (!signed(req)) {
      json(res, 403, { message: 'Invalid request signature', details: 'Unauthorized' });
      return;
    }
    if (path === '/agents') {
      json(res, 200, cluster?.members() ?? []);
      return;
    }
    if (cluster?.handleDocker(req, res, path, url.search)) return;
    passThrough(req, res, options.socketPath, path + url.search);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    const path = url.pathname.replace(VERSION_PREFIX, '');
    if (!signed(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (cluster?.handleUpgrade(req, socket, head, path + url.search)) return;
    rawUpgrade(req, socket, head, options.socketPath, path + url.search);
  });

  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const port = (server.address() as AddressInfo).port;
  cluster = await AgentCluster.start({
    socketPath: options.socketPath,
    agentPort: port,
    clusterAddr: options.clusterAddr,
    containerId: options.containerId ?? null,
    scheme: 'http',
    probeIntervalMs: 1_000,
    expireAfterMs: 4_000,
    connectTimeoutMs: 2_000,
    log: options.log,
  });
  if (!cluster) throw new Error(`${options.socketPath} is not a Swarm node`);
  const started = cluster;
  return {
    port,
    cluster: started,
    close: () =>
      new Promise<void>((resolve) => {
        started.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Signatures are deterministic (RFC 6979 over a constant message), so a server sends the same pair on every
 * request: remembering verified pairs takes the P-256 verification (~1-5 ms in JS) off every request but the first.
 */
const verified = new Set<string>();

function signed(req: IncomingMessage): boolean {
  const key = req.headers[AGENT_HEADERS.publicKey.toLowerCase()];
  const sig = req.headers[AGENT_HEADERS.signature.toLowerCase()];
  if (typeof key !== 'string' || typeof sig !== 'string') return false;
  const pair = `${key}|${sig}`;
  if (verified.has(pair)) return true;
  if (!verifyAgentSignature(key, sig)) return false;
  if (verified.size > 1_000) verified.clear();
  verified.add(pair);
  return true;
}

function passThrough(req: IncomingMessage, res: ServerResponse, socketPath: string, path: string): void {
  // Hop-by-hop headers stay here (as the real agent): a client's `Connection: close` passed on made the engine
  // close the connection while the body was still being piped (`write EPIPE` → 500 instead of the engine's 404).
  const { connection: _connection, 'keep-alive': _keepAlive, ...rest } = req.headers;
  const headers = { ...rest, host: 'docker' };
  const out = request({ socketPath, method: req.method, path, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('error', (err) => {
    if (res.headersSent) res.destroy();
    else
      json(res, 500, { message: 'Unable to proxy the request via the Docker socket', details: err.message });
  });
  req.pipe(out);
}

/** Docker's hijacked exec/attach: the request line and headers re-sent raw, then bytes both ways. */
function rawUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  socketPath: string,
  path: string,
): void {
  const engine = connect(socketPath, () => {
    const lines = [`${req.method ?? 'POST'} ${path} HTTP/1.1`, 'Host: docker'];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      if (name.toLowerCase() !== 'host') lines.push(`${name}: ${req.rawHeaders[i + 1]}`);
    }
    engine.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) engine.write(head);
    engine.pipe(socket).pipe(engine);
  });
  engine.on('error', () => socket.destroy());
  socket.on('error', () => engine.destroy());
  socket.on('close', () => engine.destroy());
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
