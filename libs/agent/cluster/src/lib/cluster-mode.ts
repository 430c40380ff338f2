import { AgentCluster } from './cluster';
import { PeerScheme } from './transport';

export interface ClusterModeOptions {
  /** The engine's unix socket; undefined when DOCKER_HOST is TCP. */
  socketPath: string | undefined;
  /** AGENT_HOST: a specific address is how this agent lists itself; a wildcard says nothing. */
  listenHost: string;
  agentPort: number;
  /** AGENT_CLUSTER_ADDR. */
  clusterAddr?: string;
  /** The agent's own container (its hostname in a container). */
  containerId: string | null;
  /** `https` for the classic agent; plain `http` between edge agents. */
  scheme: PeerScheme;
  log: { info(msg: string): void; warn(msg: string): void };
}

const WILDCARDS = new Set(['0.0.0.0', '::']);

/**
 * Swarm cluster mode for an agent, or null (standalone): when the engine is not on a unix socket, is not an active
 * Swarm node, or cannot be reached yet (a Swarm task that starts that way is restarted with its engine up).
 */
export async function startClusterMode(options: ClusterModeOptions): Promise<AgentCluster | null> {
  if (options.socketPath === undefined) {
    options.log.warn(
      'cluster mode needs the engine on a unix socket (DOCKER_HOST unix://…): running standalone',
    );
    return null;
  }
  try {
    return await AgentCluster.start({
      socketPath: options.socketPath,
      agentPort: options.agentPort,
      selfAddress: WILDCARDS.has(options.listenHost) ? undefined : options.listenHost,
      clusterAddr: options.clusterAddr,
      containerId: options.containerId,
      scheme: options.scheme,
      log: (msg) => options.log.info(msg),
    });
  } catch (err) {
    options.log.warn(
      `cluster mode unavailable, running standalone: ${err instanceof Error ? err.message : String(err)}`,
    );
    return null;
  }
}
