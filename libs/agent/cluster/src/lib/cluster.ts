import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';

import { AGENT_HEADERS, AgentDispatch, CLUSTER_HEADERS } from '@capstan/contracts-agent';

import { ClusterDiscovery, parseClusterAddr, PeerAddress, resolveAll } from './discovery';
import { engineFanOutPart } from './engine';
import { identityHeaders } from './identity';
import { LocalNodeInfo, readLocalNode } from './local-node';
import { AgentListItem, MemberTable, toAgentListItem, withSelf } from './members';
import { mergeFanOut, NodeResult } from './merge';
import {
  AgentRequestInput,
  FanOutResource,
  peerPath,
  placeAgentRequest,
  placeAgentUpgrade,
  RouteDecision,
} from './route';
import { PeerScheme, PeerTransport, sendJson } from './transport';

export interface AgentClusterOptions {
  /** The local engine's socket (the agent's DOCKER_HOST). */
  socketPath: string;
  /** The agent's own port: peers are reached on it unless AGENT_CLUSTER_ADDR names another. */
  agentPort: number;
  /** How the agent lists itself when its container's address is unknown (AGENT_HOST unless it is a wildcard). */
  selfAddress?: string;
  /** AGENT_CLUSTER_ADDR: comma-separated `name[:port]`; default `tasks.<own service name>`. */
  clusterAddr?: string;
  /** The agent's own container id or name (its hostname in a container), to read its Swarm service label. */
  containerId?: string | null;
  scheme: PeerScheme;
  probeIntervalMs?: number;
  expireAfterMs?: number;
  connectTimeoutMs?: number;
  log?: (msg: string) => void;
}

/**
 * An agent's view of its Swarm cluster: who the members are, and where each request goes. The agent router asks
 * it after the signature check (`ClusterRouting` of `@capstan/agent-api`); `false` from its route and handle methods
 * means "serve it here".
 */
export class AgentCluster {
  private constructor(
    private local: LocalNodeInfo,
    private readonly options: AgentClusterOptions,
    readonly table: MemberTable,
    private readonly discovery: ClusterDiscovery,
    private readonly transport: PeerTransport,
  ) {}

  /** Null when the local engine is not an active Swarm node: the agent is standalone and serves everything. */
  static async start(options: AgentClusterOptions): Promise<AgentCluster | null> {
    const log = options.log ?? (() => undefined);
    const local = await readLocalNode(options.socketPath, options.containerId ?? null);
    if (!local.swarm) return null;
    const name = options.clusterAddr?.trim() || (local.serviceName ? `tasks.${local.serviceName}` : '');
    if (!name)
      log('cluster: no AGENT_CLUSTER_ADDR and no Swarm service label: this agent will see only itself');
    const targets = name ? parseClusterAddr(name, options.agentPort) : [];
    const transport = new PeerTransport({
      scheme: options.scheme,
      connectTimeoutMs: options.connectTimeoutMs,
    });
    const table = new MemberTable(options.expireAfterMs ?? 10_000);
    let cluster: AgentCluster | null = null;
    const discovery = new ClusterDiscovery(
      table,
      {
        resolve: async (): Promise<PeerAddress[]> => {
          // The role and leadership of this node change at runtime (promote, demote, failover).
          await cluster?.refreshLocal();
          return targets.length > 0 ? resolveAll(targets) : [];
        },
        probe: (peer) => transport.probe(peer.address, peer.port),
        now: () => Date.now(),
      },
      options.probeIntervalMs ?? 2_000,
      log,
    );
    cluster = new AgentCluster(local, options, table, discovery, transport);
    await discovery.refresh();
    discovery.start();
    return cluster;
  }

  stop(): void {
    this.discovery.stop();
    this.transport.close();
  }

  /** Runs one discovery round now (tests; an operator's refresh). */
  refresh(): Promise<void> {
    return this.discovery.refresh();
  }

  self(): LocalNodeInfo {
    return this.local;
  }

  /** The /agents list: live members by node name, this agent always among them. */
  members(): AgentListItem[] {
    const self = {
      nodeName: this.local.nodeName,
      role: this.local.role,
      leader: this.local.leader,
      edgeKeySet: false,
      address: this.local.addresses[0] ?? this.options.selfAddress ?? '',
      port: this.options.agentPort,
      lastSeen: Date.now(),
    };
    return withSelf(this.table.list(), self).map(toAgentListItem);
  }

  /** Extra headers for this agent's GET /ping, read by its peers. */
  pingHeaders(edgeKeySet = false): Record<string, string> {
    return identityHeaders({
      nodeName: this.local.nodeName,
      role: this.local.role,
      leader: this.local.leader,
      edgeKeySet,
    });
  }

  /**
   * A signed request to the agent API (the agent router's cluster step): forwarded, fanned out or refused by
   * `placeAgentRequest`. `url` is the path and query as received. Returns false when it is served here.
   */
  routeRequest(req: IncomingMessage, res: ServerResponse, dispatch: AgentDispatch, url: string): boolean {
    const decision = placeAgentRequest(this.requestInput(req, dispatch), this.local, this.table, (m) =>
      this.transport.isSilent(m),
    );
    return this.apply(decision, req, res, peerPath(dispatch, url));
  }

  /** What the cluster policy reads of a signed request. */
  private requestInput(req: IncomingMessage, dispatch: AgentDispatch): AgentRequestInput {
    return {
      dispatch,
      method: req.method ?? 'GET',
      target: header(req, AGENT_HEADERS.target),
      managerOperation: header(req, AGENT_HEADERS.managerOperation),
    };
  }

  /**
   * A signed upgrade: WebSocket attach/exec and Docker API upgrades relayed to their target node. Returns false when
   * it runs here.
   */
  routeUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    dispatch: AgentDispatch,
    url: string,
  ): boolean {
    const decision = placeAgentUpgrade(this.requestInput(req, dispatch), this.local, this.table, (m) =>
      this.transport.isSilent(m),
    );
    return this.applyUpgrade(decision, req, socket, head, url);
  }

  private applyUpgrade(
    decision: RouteDecision,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    fullPath: string,
  ): boolean {
    switch (decision.kind) {
      case 'local':
        return false;
      case 'forward':
        this.transport.forwardUpgrade(req, socket, head, decision.member, fullPath);
        return true;
      case 'error': {
        const body = JSON.stringify({ message: decision.message, details: decision.details });
        socket.end(
          `HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return true;
      }
      case 'fanout':
        return false; // not produced for upgrades
    }
  }

  private apply(decision: RouteDecision, req: IncomingMessage, res: ServerResponse, path: string): boolean {
    switch (decision.kind) {
      case 'local':
        return false;
      case 'fanout':
        this.fanOut(req, res, decision.resource, path).catch((err: unknown) => {
          if (!res.headersSent)
            sendJson(res, 500, { message: 'Unable to aggregate the cluster answer', details: String(err) });
          else res.destroy();
        });
        return true;
      case 'forward':
        this.transport.forward(req, res, decision.member, path);
        return true;
      case 'error':
        sendJson(res, decision.status, { message: decision.message, details: decision.details });
        return true;
    }
  }

  private async fanOut(
    req: IncomingMessage,
    res: ServerResponse,
    resource: FanOutResource,
    pathAndQuery: string,
  ): Promise<void> {
    const body = await readBody(req, MAX_FAN_OUT_BODY_BYTES);
    if (body === null) {
      sendJson(res, 413, {
        message: 'Request body too large',
        details: `A list request, sent on to every node, carries at most ${MAX_FAN_OUT_BODY_BYTES / 1024 / 1024} MB`,
      });
      return;
    }
    const method = req.method ?? 'GET';
    const peers = this.table.list().filter((m) => m.nodeName !== this.local.nodeName);
    const started = Date.now();
    const took: Record<string, number> = {};
    const timed = (node: string, part: Promise<NodeResult>): Promise<NodeResult> =>
      part.then((r) => {
        took[node] = Date.now() - started;
        return r;
      });
    const results = await Promise.all([
      timed(
        this.local.nodeName,
        engineFanOutPart(this.options.socketPath, this.local.nodeName, method, pathAndQuery, body),
      ),
      ...peers.map((m) =>
        timed(m.nodeName, this.transport.fetchJson(m, method, pathAndQuery, req.headers, body)),
      ),
    ]);
    // The request itself is bad (an unknown filter): this node's engine refuses it with a 4xx, and every other
    // node would too — its answer goes back as it is, instead of an empty list naming every node unreachable. The
    // same when every node's engine answered an error (Docker answers a malformed filter with a 500).
    const own = results[0];
    if (own && isEngineError(own) && (own.status < 500 || results.every(isEngineError))) {
      sendJson(res, own.status, own.body);
      return;
    }
    const merged = mergeFanOut(resource, results);
    const unreachable = [...new Set([...merged.unreachable, ...this.table.lost()])].sort();
    for (const node of merged.unreachable) {
      this.options.log?.(
        `cluster: ${node} failed its part of ${method} ${pathAndQuery} after ${took[node]} ms: ${merged.errors[node]}`,
      );
    }
    // A part that held the whole answer back: which node, how long (operators look for the slow node).
    for (const [node, ms] of Object.entries(took)) {
      if (ms >= SLOW_PART_MS && !merged.unreachable.includes(node))
        this.options.log?.(`cluster: ${node} answered its part of ${method} ${pathAndQuery} in ${ms} ms`);
    }
    sendJson(
      res,
      200,
      merged.body,
      unreachable.length > 0 ? { [CLUSTER_HEADERS.unreachable]: unreachable.join(',') } : {},
    );
  }

  private async refreshLocal(): Promise<void> {
    try {
      this.local = await readLocalNode(this.options.socketPath, this.options.containerId ?? null);
    } catch (err) {
      this.options.log?.(`cluster: local engine did not answer: ${String(err)}`);
    }
  }
}

/** An engine's (or a peer's) own error answer: a status of 400 or more, with its JSON body. */
function isEngineError(r: NodeResult): r is Extract<NodeResult, { ok: true }> & { status: number } {
  return r.ok && r.status !== undefined && r.status >= 400;
}

/** A fan-out part slower than this is logged with its node. */
const SLOW_PART_MS = 2_000;

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** A fanned-out request is a list (GET): its body, if any, is small; it is sent again to every node. */
const MAX_FAN_OUT_BODY_BYTES = 1024 * 1024;

/** The request body, or null past `limit` (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}
