import { engineGetJson } from './engine';
import { NodeRole } from './members';

/** What the local engine says about this node (Portainer agent protocol §4.1). */
export interface LocalNodeInfo {
  nodeName: string;
  /** True when the engine is an active Swarm node: the agent runs in cluster mode. */
  swarm: boolean;
  role: NodeRole;
  leader: boolean;
  /** The Swarm service the agent's own container belongs to (label com.docker.swarm.service.name), if any. */
  serviceName: string | null;
  /**
   * The agent container's own addresses (its networks but the routing mesh's `ingress`, by network name): how
   * this agent lists itself when the cluster's DNS does not (yet) return its task. Empty outside a container.
   */
  addresses: string[];
}

interface EngineInfo {
  Name?: string;
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
}

interface EngineNode {
  ManagerStatus?: { Leader?: boolean };
}

interface EngineContainer {
  Config?: { Labels?: Record<string, string> | null };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string } | null> | null };
}

/**
 * @param containerId the agent's own container (its hostname inside a container, by Docker's default); null
 *   when the agent does not run in a container.
 */
export async function readLocalNode(socketPath: string, containerId: string | null): Promise<LocalNodeInfo> {
  const info = (await engineGetJson(socketPath, '/info')) as EngineInfo;
  const swarm = info.Swarm?.LocalNodeState === 'active';
  const manager = swarm && info.Swarm?.ControlAvailable === true;
  let leader = false;
  if (manager && info.Swarm?.NodeID) {
    const node = (await engineGetJson(
      socketPath,
      `/nodes/${encodeURIComponent(info.Swarm.NodeID)}`,
    )) as EngineNode;
    leader = node.ManagerStatus?.Leader === true;
  }
  let serviceName: string | null = null;
  let addresses: string[] = [];
  if (containerId) {
    try {
      const c = (await engineGetJson(
        socketPath,
        `/containers/${encodeURIComponent(containerId)}/json`,
      )) as EngineContainer;
      serviceName = c.Config?.Labels?.['com.docker.swarm.service.name'] ?? null;
      addresses = Object.entries(c.NetworkSettings?.Networks ?? {})
        .filter(([name]) => name !== 'ingress')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, n]) => n?.IPAddress ?? '')
        .filter((ip) => ip !== '');
    } catch {
      serviceName = null; // not a container the engine knows (agent run from a checkout)
    }
  }
  return {
    nodeName: info.Name ?? '',
    swarm,
    // Standalone engines report manager, as the original's tags.
    role: swarm && !manager ? 'worker' : 'manager',
    leader,
    serviceName,
    addresses,
  };
}
