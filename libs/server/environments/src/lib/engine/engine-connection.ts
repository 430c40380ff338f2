import { createHash } from 'node:crypto';
import { AGENT_HEADERS } from '@capstan/contracts-agent';
import { BadRequestError } from '@capstan/server-core';
import type { EdgeTunnelOpener } from '../edge/edge-tunnels.port';

/**
 * How to reach one Docker-compatible engine (Docker or Podman): plain data, resolved from an environment by
 * `EnvironmentsService.connectionOf`. The transport that carries it is chosen by `transportFor` (transports.ts);
 * the one client on it is `EngineConnections.client(connection)`.
 */
export interface EngineConnection {
  /** unix:///path, tcp://host:port */
  readonly url: string;
  readonly tls: boolean;
  readonly tlsSkipVerify: boolean;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Deadline of plain (JSON) calls; 0 for none. Streams and upgrades have none. */
  readonly timeoutMs: number;
  /**
   * The environment it belongs to: its transport (keep-alive sockets, TLS sessions) is cached under this id and
   * replaced when the settings change. Unset for one-off checks (before an environment is saved).
   */
  readonly environmentId?: number;
  /**
   * Set for agent environments (type 2): every request goes over HTTPS to the agent (its certificate is
   * self-signed, never verified) with the server's signature headers, and the target node's name when one is
   * asked for (Swarm).
   */
  readonly agent?: AgentRoute;
  /**
   * Set for edge environments (type 4): the agent (with `agent` set, signed as a classic one) is reached over
   * plain HTTP through its reverse tunnel, on a loopback port the tunnel server gives once the agent is connected.
   */
  readonly edge?: EdgeTunnelOpener;
}

export interface AgentRoute {
  /** X-PortainerAgent-PublicKey and X-PortainerAgent-Signature (empty for the public `/ping`). */
  readonly headers: Readonly<Record<string, string>>;
  /** X-PortainerAgent-Target: the Swarm node that must run the request. */
  readonly target?: string;
  /** X-Capstan-Agent-Browse-Host: the caller is an administrator, the agent may browse the host's files. */
  readonly browseHost?: boolean;
}

/** A Swarm node's name, as a target of an agent environment (the node-name rule of every entry point). */
export const AGENT_NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/**
 * The connection aimed at one Swarm node (Portainer's `nodeName` query or X-PortainerAgent-Target header).
 * Ignored for direct engines; a name that cannot be a node name is refused.
 */
export function withAgentTarget(
  connection: EngineConnection,
  nodeName: string | undefined,
): EngineConnection {
  const target = (nodeName ?? '').trim();
  if (!connection.agent || target === '') return connection;
  if (!AGENT_NODE_NAME.test(target))
    throw new BadRequestError('Invalid node name', 'nodeName (X-PortainerAgent-Target) is not a node name');
  return { ...connection, agent: { ...connection.agent, target } };
}

/**
 * Headers only the server sets on an agent request — signature, target node, host browsing — from the connection's
 * `agent` route. A caller's copies (a proxied client's, a program's on a local endpoint) never reach an engine.
 */
export const SERVER_OWNED_AGENT_HEADERS: ReadonlySet<string> = new Set(
  [AGENT_HEADERS.publicKey, AGENT_HEADERS.signature, AGENT_HEADERS.target, AGENT_HEADERS.browseHost].map(
    (h) => h.toLowerCase(),
  ),
);

/** The headers an agent needs on a request: the signature, and the target node when set. */
export function agentHeaders(agent: AgentRoute): Record<string, string> {
  return {
    ...agent.headers,
    ...(agent.target ? { [AGENT_HEADERS.target]: agent.target } : {}),
    ...(agent.browseHost ? { [AGENT_HEADERS.browseHost]: '1' } : {}),
  };
}

/**
 * Which engine, reached how: URL, TLS material, agent or not (not the per-request route: target node, host
 * browsing). Two connections with the same key reach the same engine with the same rights. Called on every
 * request (transport cache, shared reads), so the TLS material is hashed once per PEM text, not per call: an
 * environment's connections share the same decrypted strings, whose lookup is cheap.
 */
export function engineKey(c: EngineConnection): string {
  return JSON.stringify([
    c.url,
    c.tls,
    c.tlsSkipVerify,
    pemDigest(c.ca),
    pemDigest(c.cert),
    pemDigest(c.key),
    c.agent ? 1 : 0,
    c.edge ? 1 : 0,
  ]);
}

const MAX_PEM_DIGESTS = 1024;
const pemDigests = new Map<string, string>();

function pemDigest(pem: string | undefined): string {
  if (pem === undefined || pem === '') return '';
  let digest = pemDigests.get(pem);
  if (digest === undefined) {
    if (pemDigests.size >= MAX_PEM_DIGESTS) pemDigests.clear();
    digest = createHash('sha256').update(pem).digest('base64');
    pemDigests.set(pem, digest);
  }
  return digest;
}
