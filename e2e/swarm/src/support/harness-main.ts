import { hostname } from 'node:os';

import { startHarnessAgent } from './harness-agent';

/**
 * The stand-in agent as a process (bundled into the suite's lab image and used by tools/bench/agent-*.mjs):
 * DOCKER_SOCKET, AGENT_HOST, AGENT_PORT, AGENT_CLUSTER_ADDR (default tasks.<own Swarm service>).
 */
async function main(): Promise<void> {
  const env = process.env;
  const agent = await startHarnessAgent({
    socketPath: env['DOCKER_SOCKET'] ?? '/var/run/docker.sock',
    host: env['AGENT_HOST'] ?? '0.0.0.0',
    port: Number(env['AGENT_PORT'] ?? 9001),
    clusterAddr: env['AGENT_CLUSTER_ADDR'],
    containerId: hostname(),
    log: (msg) => console.log(msg),
  });
  console.log(`harness agent on ${agent.cluster.self().nodeName}, port ${agent.port}`);
  process.once('SIGTERM', () => void agent.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
