import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import { Duplex } from 'node:stream';

import { AgentApi, AgentLogger, ClusterMembership } from '@capstan/agent-api';
import { AgentCluster } from '@capstan/agent-cluster';
import {
  AGENT_API_VERSION,
  AGENT_HEADERS,
  AGENT_VERSION,
  AgentPlatform,
  dispatchAgentRequest,
  stripDockerApiVersion,
} from '@capstan/contracts-agent';

import { AgentConfig } from './config';

/**
 * Swarm cluster mode (@capstan/agent-cluster) in front of the single-node agent API. Started before the API
 * (the API takes its `members()` for /agents); attached after, as a first look at every request: signed
 * requests that belong to another node are forwarded, fanned out or refused here, everything else goes on to
 * the API unchanged. Null on a standalone engine.
 */
export async function startClusterMode(config: AgentConfig, log: AgentLogger): Promise<AgentCluster | null> {
  if (!('socketPath' in config.docker)) {
    log.warn('cluster mode needs the engine on a unix socket (DOCKER_HOST unix://…): running standalone');
    return null;
  }
  try {
    return await AgentCluster.start({
      socketPath: config.docker.socketPath,
      agentPort: config.port,
      selfAddress: config.host === '0.0.0.0' || config.host === '::' ? undefined : config.host,
      clusterAddr: config.clusterAddr,
      containerId: hostname(),
      scheme: 'https',
      log: (msg) => log.info(msg),
    });
  } catch (err) {
    // No engine yet: serve standalone (a Swarm task that starts this way is restarted with its engine up).
    log.warn(
      `cluster mode unavailable, running standalone: ${err instanceof Error ? err.message : String(err)}`,
    );
    return null;
  }
}

export function membership(cluster: AgentCluster): ClusterMembership {
  return { members: () => Promise.resolve(cluster.members()) };
}

const PING_PATHS = new Set(['/ping', '/v2/ping']);
const NODE_ROUTES = new Set([
  'hostInfo',
  'browseLs',
  'browseGet',
  'browseDelete',
  'browseRename',
  'browsePut',
]);

export function attachClusterRouting(agent: AgentApi, cluster: AgentCluster, platform: AgentPlatform): void {
  const server: Server = agent.server;
  const onRequest = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  const onUpgrade = server.listeners('upgrade') as Array<
    (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  >;
  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!routedByCluster(req, res)) for (const l of onRequest) l.call(server, req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? '/';
    const d = dispatchAgentRequest(req.method ?? 'GET', url.split('?')[0]);
    const ours =
      d.kind === 'route' && d.route.websocket === true && agent.guard.check(req.headers).ok
        ? cluster.handleUpgrade(req, socket, head, url)
        : false;
    if (!ours) for (const l of onUpgrade) l.call(server, req, socket, head);
  });

  function routedByCluster(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    if (PING_PATHS.has(stripDockerApiVersion(rawPath))) {
      for (const [k, v] of Object.entries(cluster.pingHeaders())) res.setHeader(k, v);
      return false;
    }
    // Unsigned or badly signed requests go on to the API, which refuses them: nothing unverified leaves this node.
    if (!agent.guard.check(req.headers).ok) return false;
    const d = dispatchAgentRequest(req.method ?? 'GET', rawPath);
    res.setHeader(AGENT_HEADERS.agent, AGENT_VERSION);
    res.setHeader(AGENT_HEADERS.apiVersion, AGENT_API_VERSION);
    res.setHeader(AGENT_HEADERS.platform, String(platform));
    if (d.kind === 'docker') return cluster.handleDocker(req, res, d.path, q < 0 ? '' : url.slice(q));
    if (d.kind === 'route' && NODE_ROUTES.has(d.route.name)) return cluster.handleNodeRoute(req, res, url);
    return false;
  }
}
