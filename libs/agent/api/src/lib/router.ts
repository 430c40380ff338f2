import { IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';

import {
  AGENT_API_VERSION,
  AGENT_HEADERS,
  AGENT_VERSION,
  AgentDispatch,
  AgentHttpRouteName,
  AgentPlatform,
  AgentWebSocketRouteName,
  dispatchAgentRequest,
  isAgentWebSocketRoute,
  stripDockerApiVersion,
} from '@capstan/contracts-agent';

import { AgentHttpError, errorBody, messageOf, sendError } from './http-util';
import { AgentLogger, silentLogger } from './logger';

const PING_PATHS = new Set(['/ping', '/v2/ping']);

/** One request to the agent API, read once: what the steps and the handler look at. */
export class AgentCall {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** The raw path (version prefix kept), without the query. */
  readonly path: string;
  /** The query with its `?`, or ''. */
  readonly search: string;
  readonly dispatch: AgentDispatch;
  /** The public ping's path (`/ping`, `/v2/ping`, any method: HEAD gets its 405 unsigned, as the original). */
  readonly ping: boolean;

  private parsedQuery: URLSearchParams | undefined;

  constructor(readonly req: IncomingMessage) {
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    const q = this.url.indexOf('?');
    this.path = q < 0 ? this.url : this.url.slice(0, q);
    this.search = q < 0 ? '' : this.url.slice(q);
    this.dispatch = dispatchAgentRequest(this.method, this.path);
    this.ping = PING_PATHS.has(stripDockerApiVersion(this.path));
  }

  /** Parsed once, on first use (most routes never read it). */
  get query(): URLSearchParams {
    this.parsedQuery ??= new URLSearchParams(this.search);
    return this.parsedQuery;
  }

  /** Served without a signature: the ping, and `/key` (the edge key routes, which guard themselves). */
  get public(): boolean {
    return this.ping || this.dispatch.kind === 'key';
  }
}

export type AgentRouteHandler = (call: AgentCall, res: ServerResponse) => void | Promise<void>;
export type AgentUpgradeHandler = (call: AgentCall, socket: Duplex, head: Buffer) => void | Promise<void>;

/**
 * What the agent serves, by the contract's route table (`AGENT_ROUTES` in `@capstan/contracts-agent`: each route's
 * method and path under its prefixes, and the v1 browse form `/v1/browse/{volumeID}/{op}`). Every route of the
 * contract has its handler here, or this does not compile.
 */
export interface AgentRouteTable {
  routes: { readonly [N in AgentHttpRouteName]: AgentRouteHandler };
  /** Served on an upgrade; a plain request on these paths answers 400. */
  upgrades: { readonly [N in AgentWebSocketRouteName]: AgentUpgradeHandler };
  /** Everything the contract hands to the engine, its version prefix removed (`call.dispatch.path`). */
  docker: AgentRouteHandler;
  /**
   * An upgrade on a path the contract hands to the engine (attach and exec start with `Upgrade: tcp`, `/session`,
   * `/grpc`): the engine's connection upgrade, passed through.
   */
  dockerUpgrade: AgentUpgradeHandler;
  /** `/key*`: the edge key. */
  key: AgentRouteHandler;
  /** `/kubernetes*`: the Kubernetes API proxy and stack deploy. */
  kubernetes: AgentRouteHandler;
}

/**
 * A step every request passes before its handler, in order: setting the agent headers, verifying the signature,
 * sending the request to another node (cluster mode); an edge agent adds its key gate and its activity timer. A
 * step answers `true` when it has taken the request (nothing after it runs), or throws an `AgentHttpError` to
 * refuse it; `false` passes it on.
 */
export interface AgentRouterStep {
  request?(call: AgentCall, res: ServerResponse): boolean;
  upgrade?(call: AgentCall, socket: Duplex, head: Buffer): boolean;
}

export interface AgentRouterOptions {
  /** Reported in the agent headers of an upgrade's refusal. */
  platform: AgentPlatform;
  log?: AgentLogger;
}

/**
 * The agent API as one object: Node's `request` and `upgrade` events in, answers out, whichever server accepted the
 * connection — the classic agent's HTTPS listener, or (edge mode) the local listener behind the reverse tunnel.
 */
export class AgentRouter {
  private readonly log: AgentLogger;

  constructor(
    private readonly table: AgentRouteTable,
    private readonly steps: readonly AgentRouterStep[],
    private readonly options: AgentRouterOptions,
  ) {
    this.log = options.log ?? silentLogger;
  }

  /** Serves the router on a server: its `request` and `upgrade` events. */
  serve(server: Server): void {
    server.on('request', this.handleRequest);
    server.on('upgrade', this.handleUpgrade);
  }

  readonly handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const call = new AgentCall(req);
    settle(
      () => {
        for (const step of this.steps) if (step.request?.(call, res)) return;
        return this.route(call, res);
      },
      (err) => {
        req.resume();
        if (err instanceof AgentHttpError) {
          sendError(res, err.error, err.details);
          return;
        }
        this.log.error(`${call.method} ${call.path}: ${messageOf(err)}`);
        sendError(res, 'internal', messageOf(err));
      },
    );
  };

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const call = new AgentCall(req);
    settle(
      () => {
        for (const step of this.steps) if (step.upgrade?.(call, socket, head)) return;
        const d = call.dispatch;
        if (d.kind === 'docker') return this.table.dockerUpgrade(call, socket, head);
        if (d.kind !== 'route' || !isAgentWebSocketRoute(d.route.name)) {
          throw new AgentHttpError(
            'invalidPayload',
            'Upgrades are served on /websocket/attach, /websocket/exec and the Docker API only',
          );
        }
        return this.table.upgrades[d.route.name](call, socket, head);
      },
      (err) => {
        if (!(err instanceof AgentHttpError)) this.log.error(`upgrade ${call.path}: ${messageOf(err)}`);
        this.rejectUpgrade(
          socket,
          err instanceof AgentHttpError ? err : new AgentHttpError('internal', messageOf(err)),
        );
      },
    );
  };

  private route(call: AgentCall, res: ServerResponse): void | Promise<void> {
    const d = call.dispatch;
    switch (d.kind) {
      case 'key':
        return this.table.key(call, res);
      case 'kubernetes':
        return this.table.kubernetes(call, res);
      case 'docker':
        return this.table.docker(call, res);
      case 'notFound':
        throw new AgentHttpError('notFound', `No route for ${call.method} ${call.path}`);
      case 'methodNotAllowed':
        res.setHeader('Allow', d.allow);
        throw new AgentHttpError('methodNotAllowed', `${call.method} ${call.path}`);
      case 'route': {
        const name = d.route.name;
        if (isAgentWebSocketRoute(name))
          throw new AgentHttpError('invalidPayload', 'A WebSocket upgrade is required');
        return this.table.routes[name](call, res);
      }
    }
  }

  /** An upgrade refused before any upgrade: a plain HTTP answer with the agent headers, then the socket closes. */
  private rejectUpgrade(socket: Duplex, err: AgentHttpError): void {
    const { status, body } = errorBody(err.error, err.details);
    const headers = Object.entries(agentHeaders(this.options.platform))
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers}Content-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
}

/** `Portainer-Agent`, `Portainer-Agent-API-Version`, `Portainer-Agent-Platform` (protocol §1.1). */
export function agentHeaders(platform: AgentPlatform): Record<string, string> {
  return {
    [AGENT_HEADERS.agent]: AGENT_VERSION,
    [AGENT_HEADERS.apiVersion]: AGENT_API_VERSION,
    [AGENT_HEADERS.platform]: String(platform),
  };
}

/** The agent headers on every answer but `/key`'s, which answers before any is set (as the original). */
export function agentHeadersStep(platform: AgentPlatform): AgentRouterStep {
  const headers = Object.entries(agentHeaders(platform));
  return {
    request: (call, res) => {
      if (call.dispatch.kind !== 'key') for (const [name, value] of headers) res.setHeader(name, value);
      return false;
    },
  };
}

/** Runs a handler that may throw or reject, and gives either failure to `onError`. */
function settle(run: () => void | Promise<void>, onError: (err: unknown) => void): void {
  try {
    const done = run();
    if (done) done.catch(onError);
  } catch (err) {
    onError(err);
  }
}
