import { AgentCluster } from '@capstan/agent-cluster';
import { createAgentApi, type ClusterRouting } from '@capstan/agent-api';
import { AgentPlatform } from '@capstan/contracts-agent';

/**
 * A stand-in agent for the Swarm suite: the agent's own API (`createAgentApi` of @capstan/agent-api: the same
 * router, signature check, Docker pass-through and upgrades as apps/agent) with the cluster lib
 * (@capstan/agent-cluster) as its cluster step, over plain HTTP on the lab's private network. What it leaves out of
 * apps/agent is the process around it (config, TLS, edge mode), so the suite proves the cluster's discovery,
 * routing, fan-out and forwarding on real engines through the very router the agent serves.
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

export async function startHarnessAgent(options: HarnessOptions): Promise<HarnessAgent> {
  // The cluster needs the port the API listens on; until it has started, this node answers as a standalone one.
  let cluster: AgentCluster | null = null;
  const routing: ClusterRouting = {
    members: () => cluster?.members() ?? [],
    pingHeaders: () => cluster?.pingHeaders() ?? {},
    routeRequest: (req, res, dispatch, url) => cluster?.routeRequest(req, res, dispatch, url) ?? false,
    routeUpgrade: (req, socket, head, dispatch, url) =>
      cluster?.routeUpgrade(req, socket, head, dispatch, url) ?? false,
  };
  const api = await createAgentApi({
    host: options.host,
    port: options.port,
    platform: AgentPlatform.Docker,
    docker: { socketPath: options.socketPath },
    secretTimeoutMs: 0,
    hostRoot: '/',
    cluster: routing,
    plainHttp: true,
  });
  const port = await api.listen();
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
  if (!cluster) {
    await api.close();
    throw new Error(`${options.socketPath} is not a Swarm node`);
  }
  const started = cluster;
  return {
    port,
    cluster: started,
    close: async () => {
      started.stop();
      api.server.closeAllConnections();
      await api.close();
    },
  };
}
