import { hostname } from 'node:os';

import { createAgentApi, createLogger } from '@capstan/agent-api';
import { startClusterMode } from '@capstan/agent-cluster';
import { AGENT_VERSION } from '@capstan/contracts-agent';

import { AgentConfigError, loadAgentConfig } from './app/config';

async function main(): Promise<void> {
  const config = loadAgentConfig(process.env);
  const log = createLogger(config.logLevel);
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
    host: config.host,
    port: config.port,
    platform: config.platform,
    docker: config.docker,
    secret: config.secret,
    secretTimeoutMs: config.secretTimeoutMs,
    hostRoot: config.hostRoot,
    cluster: cluster ?? undefined,
    log,
  });
  const port = await agent.listen();
  log.info(
    `capstan-agent ${AGENT_VERSION} listening on https://${config.host}:${port} (platform ${config.platform}, ` +
      `${config.secret ? 'AGENT_SECRET mode' : 'key pinned on the first verified signature'}, ` +
      `${cluster ? `Swarm cluster mode on ${cluster.self().nodeName} (${cluster.self().role})` : 'standalone'})`,
  );

  const stop = (signal: string): void => {
    log.info(`capstan-agent: ${signal}, shutting down`);
    cluster?.stop();
    agent.close().then(
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
