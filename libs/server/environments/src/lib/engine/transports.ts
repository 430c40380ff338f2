import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type ClientRequestArgs,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EdgeTunnelOpener } from '../edge/edge-tunnels.port';
import { WebSocket } from 'ws';
import {
  SERVER_OWNED_AGENT_HEADERS,
  agentHeaders,
  type AgentRoute,
  type EngineConnection,
} from './engine-connection';

/**
 * Idle keep-alive sockets are closed after this long: under the agent's own keep-alive timeout (Node's 5 s),
 * so a pooled socket is never reused just as the other side closes it.
 */
export const IDLE_SOCKET_MS = 4_000;

export interface EngineRequest {
  readonly method: string;
  /** Path and query, as the Docker API (or the agent) expects them. */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  /** For agents: the route of this request (signature, target node, host browsing). */
  readonly route?: AgentRoute;
  /** A socket of its own, outside the keep-alive pool: upgrades, whose socket leaves with the caller. */
  readonly ownSocket?: boolean;
}

/**
 * How bytes reach one engine. The client (engine-client.ts) speaks the Docker API over any of them; a new kind
 * of engine (edge tunnel, Kubernetes API) adds a `TransportKind` to `TRANSPORTS` and nothing else.
 */
export interface EngineTransport {
  /** The connection's URL, for error messages. */
  readonly url: string;
  /** One HTTP request to the engine (Host and, through an agent, signature headers set). */
  request(req: EngineRequest, onResponse?: (res: IncomingMessage) => void): ClientRequest;
  /** A WebSocket to the engine's side (the agent's consoles); absent where the transport has none. */
  webSocket?(path: string, route: AgentRoute | undefined, options: WebSocketOptions): WebSocket;
  /** Closes the pooled sockets (the connection's settings changed, its environment is gone, shutdown). */
  close(): void;
}

export interface WebSocketOptions {
  readonly handshakeTimeout: number;
  readonly maxPayload: number;
}

export interface TransportKind {
  readonly name: string;
  accepts(connection: EngineConnection): boolean;
  create(connection: EngineConnection): EngineTransport;
}

/**
 * Node's HTTP client with one keep-alive pool per connection: a snapshot's six calls, the proxy's requests and
 * the streams reuse sockets (and TLS sessions) instead of connecting and handshaking per call.
 */
class HttpTransport implements EngineTransport {
  private readonly pool: HttpAgent;

  constructor(
    readonly url: string,
    /** Where to connect and with which TLS settings: the same for pooled and own sockets. */
    private readonly target: RequestOptions,
    private readonly secure: boolean,
    private readonly hostHeader: string,
    private readonly signs: boolean,
  ) {
    // noDelay as Node's global agents: without it Nagle holds a request's last bytes for the engine's ACK.
    const pooling = {
      keepAlive: true,
      noDelay: true,
      timeout: IDLE_SOCKET_MS,
      maxFreeSockets: 16,
      scheduling: 'lifo' as const,
    };
    this.pool = secure ? new HttpsAgent(pooling) : new HttpAgent(pooling);
  }

  request(req: EngineRequest, onResponse?: (res: IncomingMessage) => void): ClientRequest {
    const headers = engineHeaders(req, this.hostHeader, this.signs);
    const options: RequestOptions = {
      ...this.target,
      path: req.path,
      method: req.method,
      headers,
      agent: req.ownSocket ? false : this.pool,
    };
    return this.secure ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
  }

  close(): void {
    this.pool.destroy();
  }
}

/** The caller's headers without the server-owned agent ones, then Host and (for agents) the route's. */
function engineHeaders(req: EngineRequest, hostHeader: string, signs: boolean): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers))
    if (!SERVER_OWNED_AGENT_HEADERS.has(name.toLowerCase())) headers[name] = value;
  headers['host'] = hostHeader;
  if (signs && req.route) Object.assign(headers, agentHeaders(req.route));
  return headers;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/** Docker's own socket (or Podman's). */
export const UNIX_SOCKET: TransportKind = {
  name: 'unix socket',
  accepts: (c) => c.url.startsWith('unix://'),
  create: (c) => new HttpTransport(c.url, { socketPath: new URL(c.url).pathname }, false, 'docker', false),
};

/** The Docker API over TCP, with TLS (and the client certificate) when the environment asks for it. */
export const TCP: TransportKind = {
  name: 'tcp',
  accepts: (c) => !c.agent && c.url.startsWith('tcp://'),
  create: (c) => {
    const url = new URL(c.url);
    const target: RequestOptions & {
      ca?: string;
      cert?: string;
      key?: string;
      rejectUnauthorized?: boolean;
    } = {
      host: hostOf(url),
      port: url.port ? Number(url.port) : c.tls ? 2376 : 2375,
      ...(c.tls ? { ca: c.ca, cert: c.cert, key: c.key, rejectUnauthorized: !c.tlsSkipVerify } : {}),
    };
    return new HttpTransport(c.url, target, c.tls, url.host, false);
  },
};

/**
 * A classic Portainer agent: HTTPS without verification (its certificate is self-signed and regenerated at every
 * start), every request signed, with the target node when one is set; consoles over its `/websocket/*`.
 */
class AgentTransport extends HttpTransport {
  constructor(
    url: string,
    private readonly address: { host: string; port: number },
  ) {
    super(
      url,
      { ...address, rejectUnauthorized: false } as RequestOptions,
      true,
      `${new URL(url).host}`,
      true,
    );
  }

  webSocket(path: string, route: AgentRoute | undefined, options: WebSocketOptions): WebSocket {
    const host = this.address.host.includes(':') ? `[${this.address.host}]` : this.address.host;
    return new WebSocket(`wss://${host}:${this.address.port}${path}`, {
      headers: route ? agentHeaders(route) : {},
      rejectUnauthorized: false,
      handshakeTimeout: options.handshakeTimeout,
      maxPayload: options.maxPayload,
    });
  }
}

export const AGENT: TransportKind = {
  name: 'agent',
  accepts: (c) => c.agent !== undefined,
  create: (c) => {
    const url = new URL(c.url);
    return new AgentTransport(c.url, { host: hostOf(url), port: Number(url.port) });
  },
};

type SocketCallback = (err: Error | null, socket: Duplex) => void;

/**
 * A socket to the edge agent's API: once the tunnel server has the agent's reverse tunnel up (asking the agent
 * on its next poll and waiting, bounded), a TCP connection to its loopback port. A tunnel that does not come
 * fails the request with the tunnel server's 503.
 */
function tunnelSocket(environmentId: number, tunnels: EdgeTunnelOpener, callback: SocketCallback): void {
  tunnels.connect(environmentId).then(
    (port) => {
      const socket = netConnect({ host: '127.0.0.1', port, noDelay: true });
      callback(null, socket);
    },
    (e: unknown) => callback(e instanceof Error ? e : new Error(String(e)), undefined as unknown as Duplex),
  );
}

class TunnelPool extends HttpAgent {
  constructor(
    private readonly environmentId: number,
    private readonly tunnels: EdgeTunnelOpener,
  ) {
    super({ keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: 16, scheduling: 'lifo' });
  }

  // Node's Agent accepts a socket handed to the callback later (createConnection returning undefined).
  override createConnection(_options: ClientRequestArgs, callback?: SocketCallback): undefined {
    if (callback) tunnelSocket(this.environmentId, this.tunnels, callback);
    return undefined;
  }
}

/**
 * An edge agent (type 4): the classic agent's API (signed requests, target node, `/websocket/*` consoles) over
 * plain HTTP — as Portainer's edge agent serves it — through the reverse tunnel. Every request marks the tunnel
 * as used, so it is not closed as idle.
 */
class EdgeTransport implements EngineTransport {
  private readonly pool: TunnelPool;

  constructor(
    readonly url: string,
    private readonly environmentId: number,
    private readonly tunnels: EdgeTunnelOpener,
  ) {
    this.pool = new TunnelPool(environmentId, tunnels);
  }

  request(req: EngineRequest, onResponse?: (res: IncomingMessage) => void): ClientRequest {
    const direct = this.tunnels.asyncConnection?.(this.environmentId);
    if (direct)
      return httpRequest(
        {
          path: req.path,
          method: req.method,
          headers: engineHeaders(req, 'edge-agent', false),
          createConnection: () => direct as never,
        },
        onResponse,
      );
    this.tunnels.touch(this.environmentId);
    const options: RequestOptions = {
      path: req.path,
      method: req.method,
      headers: engineHeaders(req, 'edge-agent', true),
      ...(req.ownSocket ? { createConnection: this.ownSocket } : { agent: this.pool }),
    };
    return httpRequest(options, onResponse);
  }

  webSocket(path: string, route: AgentRoute | undefined, options: WebSocketOptions): WebSocket {
    this.tunnels.touch(this.environmentId);
    return new WebSocket(`ws://edge-agent${path}`, {
      headers: route ? agentHeaders(route) : {},
      handshakeTimeout: options.handshakeTimeout,
      maxPayload: options.maxPayload,
      createConnection: this.ownSocket as never,
    });
  }

  close(): void {
    this.pool.destroy();
  }

  private readonly ownSocket = (_options: ClientRequestArgs, callback: SocketCallback): undefined => {
    tunnelSocket(this.environmentId, this.tunnels, callback);
    return undefined;
  };
}

export const EDGE: TransportKind = {
  name: 'edge tunnel',
  accepts: (c) => c.edge !== undefined,
  create: (c) => {
    if (c.environmentId === undefined || !c.edge) throw new Error('An edge connection needs its environment');
    return new EdgeTransport(c.url, c.environmentId, c.edge);
  },
};

/** Tried in order: the first that accepts the connection carries it. */
export const TRANSPORTS: readonly TransportKind[] = [EDGE, AGENT, UNIX_SOCKET, TCP];

export function transportFor(
  connection: EngineConnection,
  kinds: readonly TransportKind[] = TRANSPORTS,
): EngineTransport {
  const kind = kinds.find((k) => k.accepts(connection));
  if (!kind) throw new Error(`No transport for ${connection.url}`);
  return kind.create(connection);
}
