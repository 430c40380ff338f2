/** Agent protocol header names (Portainer agent protocol §2), plus Capstan's own. */
export const AGENT_HEADERS = {
  agent: 'Portainer-Agent',
  apiVersion: 'Portainer-Agent-API-Version',
  platform: 'Portainer-Agent-Platform',
  publicKey: 'X-PortainerAgent-PublicKey',
  signature: 'X-PortainerAgent-Signature',
  target: 'X-PortainerAgent-Target',
  managerOperation: 'X-PortainerAgent-ManagerOperation',
  /**
   * Capstan only: `1` lets `/browse/*` without `volumeID` browse the agent's whole file system (the host
   * root is bind-mounted at /host). The server sets it only for administrators (Portainer's server does the same
   * check without telling the agent); without it the agent refuses host browsing with 403.
   */
  browseHost: 'X-Capstan-Agent-Browse-Host',
} as const;

/**
 * `CLUSTER_HEADERS.unreachable` on its own: a browser bundle (the portal) takes this name without the others.
 */
export const UNREACHABLE_NODES_HEADER = 'X-Capstan-Agent-Unreachable';

/**
 * Capstan only, between agents and to the server: the identity an agent adds to its public GET /ping (its peers
 * learn who it is without a gossip protocol), and the nodes missing from a fanned-out answer. Portainer servers
 * ignore them.
 */
export const CLUSTER_HEADERS = {
  node: 'X-Capstan-Agent-Node',
  role: 'X-Capstan-Agent-Role',
  leader: 'X-Capstan-Agent-Leader',
  edgeKey: 'X-Capstan-Agent-EdgeKey',
  /** On a fanned-out response (200): comma-separated, sorted names of the nodes whose part is missing. */
  unreachable: UNREACHABLE_NODES_HEADER,
} as const;

/** The node names of an `X-Capstan-Agent-Unreachable` value (empty when absent). */
export function parseUnreachableNodes(value: string | string[] | undefined | null): string[] {
  const v = Array.isArray(value) ? value.join(',') : (value ?? '');
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const AGENT_API_VERSION = '2';

/** The Portainer agent version Capstan's agent speaks for; servers gate features on it. */
export const AGENT_VERSION = '2.23.0';

/** `Portainer-Agent-Platform` values (Podman reports as Docker). */
export enum AgentPlatform {
  Docker = 1,
  Kubernetes = 2,
}
