import { join } from 'node:path';
import { hostname } from 'node:os';

import { createAgentApi, createLogger, type AgentLogger } from '@capstan/agent-api';
import { readLocalNode, startClusterMode } from '@capstan/agent-cluster';
import {
  EdgeAgent,
  EdgeAsyncAgent,
  EdgeStacks,
  EdgeJobs,
  EdgeServerClient,
  edgeJobCommands,
  resolveEdgeKey,
  sendJobLog,
  serveKeyPage,
} from '@capstan/agent-edge';
import { AGENT_VERSION } from '@capstan/contracts-agent';

import { AgentConfigError, loadAgentConfig, type AgentConfig, type EdgeConfig } from './app/config';

async function main(): Promise<void> {
  const config = loadAgentConfig(process.env);
  const log = createLogger(config.logLevel);
  if (config.edge) return runEdge(config, config.edge, log);
  // Started before the API, which takes it as its cluster step and for /agents.
  const cluster = await startClusterMode({
    socketPath: 'socketPath' in config.docker ? config.docker.socketPath : undefined,
    listenHost: config.host,
    agentPort: config.port,
    clusterAddr: config.clusterAddr,
    containerId: hostname(),
    scheme: 'https',
    log,
  });
  const agent = await createAgentApi({
    ...apiOptions(config),
    cluster: cluster ?? undefined,
    log,
  });
  const port = await agent.listen();
  log.info(
    `capstan-agent ${AGENT_VERSION} listening on https://${config.host}:${port} (platform ${config.platform}, ` +
      `${config.secret ? 'AGENT_SECRET mode' : 'key pinned on the first verified signature'}, ` +
      `${cluster ? `Swarm cluster mode on ${cluster.self().nodeName} (${cluster.self().role})` : 'standalone'})`,
  );
  onStop(log, () => {
    cluster?.stop();
    return agent.close();
  });
}

/**
 * Edge mode (EDGE=1): the key (EDGE_KEY, the key file, else the key page for 15 minutes), then the agent API over
 * plain HTTP on the advertise address — reached by the server only through the reverse tunnel — and the poller.
 */
async function runEdge(config: AgentConfig, edge: EdgeConfig, log: AgentLogger): Promise<void> {
  const found =
    (await resolveEdgeKey(edge.key, edge.dataPath)) ??
    (await serveKeyPage(edge.keyPageHost, edge.keyPagePort, edge.dataPath, edge.keyPageTimeoutMs, log));
  if (!found) {
    log.error('No edge key: shutting down');
    process.exit(1);
  }
  const isActive = swarmLeaderCheck(config);
  if (edge.async) {
    // Async mode: no tunnel, so no agent API; snapshots and commands go through the async endpoint. Edge jobs
    // come as commands; a collected log goes to the job log route (Capstan; a Portainer EE agent reports it in its
    // snapshot's jobsStatus, which the server also takes).
    const logClient = new EdgeServerClient({
      ...edge,
      key: found.key,
      edgeId: edge.id,
      platform: config.platform,
    });
    const jobs = new EdgeJobs({
      root: config.hostRoot,
      runner: edge.jobRunner,
      log,
      upload: async (jobId, content) => {
        await logClient.loadSecret();
        await sendJobLog(logClient, asyncAgent.environmentId, jobId, content);
      },
    });
    const asyncAgent: EdgeAsyncAgent = new EdgeAsyncAgent({
      handlers: { edgeJob: edgeJobCommands(jobs) },
      key: found.key,
      edgeId: edge.id,
      platform: config.platform,
      docker: config.docker,
      insecurePoll: edge.insecurePoll,
      mtls: edge.mtls,
      dataPath: edge.dataPath,
      log,
      meta: edge.meta,
      firstRequestMs: edge.asyncFirstMs,
      isActive,
    });
    await asyncAgent.start();
    log.info(
      `capstan-agent ${AGENT_VERSION} in async edge mode: ${found.key.portainerUrl}, environment ` +
        `${found.key.endpointId || '(global key)'} (key from ${found.source})`,
    );
    onStop(log, () => {
      asyncAgent.stop();
      jobs.stop();
      return Promise.resolve();
    });
    return;
  }
  // The API reports its calls to the poller (the tunnel's inactivity timer), which needs the API's port first.
  const poller: { manager?: EdgeAgent; stacks?: EdgeStacks } = {};
  const agent = await createAgentApi({
    ...apiOptions(config),
    // No security shutdown in edge mode: the API is reached only through the tunnel the agent itself opens.
    secretTimeoutMs: 0,
    log,
    edge: { onActivity: () => poller.manager?.activity() },
  });
  const port = await agent.listen();
  const manager = new EdgeAgent({
    key: found.key,
    edgeId: edge.id,
    api: { host: config.host === '0.0.0.0' ? '127.0.0.1' : config.host, port },
    platform: config.platform,
    inactivityMs: edge.inactivityMs,
    insecurePoll: edge.insecurePoll,
    mtls: edge.mtls,
    dataPath: edge.dataPath,
    log,
    firstPollMs: 0,
    onAnswer: [(answer) => poller.stacks?.onAnswer(answer)],
    jobs: { root: config.hostRoot, runner: edge.jobRunner },
    meta: edge.meta,
    isActive,
  });
  poller.manager = manager;
  // Edge stacks: deployed with the docker CLI and its compose plugin against this agent's engine.
  poller.stacks = new EdgeStacks({
    call: manager.call,
    endpointId: () => manager.environmentId,
    edgeId: edge.id,
    dockerHost:
      'socketPath' in config.docker
        ? `unix://${config.docker.socketPath}`
        : `tcp://${config.docker.host}:${config.docker.port}`,
    dir: join(edge.dataPath, 'edge_stacks'),
    log,
  });
  await manager.start();
  log.info(
    `capstan-agent ${AGENT_VERSION} in edge mode: API on http://${config.host}:${port} (tunnel only), ` +
      `polling ${found.key.portainerUrl} for environment ${found.key.endpointId} (key from ${found.source})`,
  );
  onStop(log, () => {
    manager.stop();
    poller.stacks?.stop();
    return agent.close();
  });
}

/**
 * On a Swarm only the leader's agent polls and deploys (agent protocol §5.5): the role is read from the local
 * engine (at most every 5 s). A standalone engine is always active; an engine that cannot be read counts as
 * active (the poll reports the failure).
 */
function swarmLeaderCheck(config: AgentConfig): (() => Promise<boolean>) | undefined {
  if (!('socketPath' in config.docker)) return undefined;
  const socketPath = config.docker.socketPath;
  let cached: { at: number; active: boolean } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < 5_000) return cached.active;
    const node = await readLocalNode(socketPath, null).catch(() => undefined);
    cached = { at: Date.now(), active: !node || !node.swarm || node.leader };
    return cached.active;
  };
}

/** The agent API's options common to both modes. */
function apiOptions(config: AgentConfig) {
  return {
    host: config.host,
    port: config.port,
    platform: config.platform,
    docker: config.docker,
    secret: config.secret,
    secretTimeoutMs: config.secretTimeoutMs,
    hostRoot: config.hostRoot,
  };
}

function onStop(log: AgentLogger, close: () => Promise<void>): void {
  const stop = (signal: string): void => {
    log.info(`capstan-agent: ${signal}, shutting down`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    // Don't hang on long-lived connections past the container runtime's stop timeout.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof AgentConfigError ? err.message : err);
  process.exit(1);
});
