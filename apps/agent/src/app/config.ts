/**
 * The agent's configuration, read from the environment once at start-up. Every bad variable is reported
 * at once, so that a misconfigured container fails with one complete message.
 */
import { AgentPlatform } from '@capstan/contracts-agent';
import { DockerEndpoint, LogLevel, parseDockerHost } from '@capstan/agent-api';

export { AgentPlatform };

export interface AgentConfig {
  host: string;
  port: number;
  platform: AgentPlatform;
  /** AGENT_SECRET: shared with the server; signatures are over it and no key is pinned. */
  secret?: string;
  /** AGENT_SECRET_TIMEOUT (Go duration, default 72h; 0 disables). */
  secretTimeoutMs: number;
  /** AGENT_CLUSTER_ADDR: the cluster join address (Swarm mode). */
  clusterAddr?: string;
  docker: DockerEndpoint;
  logLevel: LogLevel;
  /** HOST_ROOT: where the host's root is bind-mounted (host info, host browsing). */
  hostRoot: string;
}

export class AgentConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid agent configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AgentConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['ERROR', 'WARN', 'INFO', 'DEBUG'];
const DEFAULT_SECRET_TIMEOUT_MS = 72 * 3_600_000;

/**
 * AGENT_HOST defaults to loopback: run from a checkout, the agent must not be reachable from the network
 * by accident. The agent's image sets AGENT_HOST=0.0.0.0.
 */
export function loadAgentConfig(env: NodeJS.ProcessEnv): AgentConfig {
  const problems: string[] = [];

  const host = env['AGENT_HOST']?.trim() || '127.0.0.1';

  let port = 9001;
  const rawPort = env['AGENT_PORT']?.trim();
  if (rawPort) {
    port = Number(rawPort);
    if (!/^\d+$/.test(rawPort) || port < 1 || port > 65535) {
      problems.push(`AGENT_PORT must be a port number (1-65535), got "${rawPort}"`);
    }
  }

  const secret = env['AGENT_SECRET'] || undefined;

  let secretTimeoutMs = DEFAULT_SECRET_TIMEOUT_MS;
  const rawTimeout = env['AGENT_SECRET_TIMEOUT']?.trim();
  if (rawTimeout) {
    const ms = parseGoDuration(rawTimeout);
    if (ms === null)
      problems.push(`AGENT_SECRET_TIMEOUT must be a duration such as 72h, 30m or 0, got "${rawTimeout}"`);
    else secretTimeoutMs = ms;
  }

  let docker: DockerEndpoint = { socketPath: '/var/run/docker.sock' };
  try {
    docker = parseDockerHost(env['DOCKER_HOST']);
  } catch (err) {
    problems.push((err as Error).message);
  }

  let logLevel: LogLevel = 'INFO';
  const rawLevel = env['LOG_LEVEL']?.trim().toUpperCase();
  if (rawLevel) {
    if ((LOG_LEVELS as string[]).includes(rawLevel)) logLevel = rawLevel as LogLevel;
    else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env['LOG_LEVEL']}"`);
  }

  if (problems.length > 0) throw new AgentConfigError(problems);
  return {
    host,
    port,
    platform: detectPlatform(env),
    secret,
    secretTimeoutMs,
    clusterAddr: env['AGENT_CLUSTER_ADDR']?.trim() || undefined,
    docker,
    logLevel,
    hostRoot: env['HOST_ROOT']?.trim() || '/host',
  };
}

/** As Portainer's agent: Podman reports as Docker; a Kubernetes pod is recognised by its service env. */
export function detectPlatform(env: NodeJS.ProcessEnv): AgentPlatform {
  if (env['PODMAN'] === '1') return AgentPlatform.Docker;
  if (env['KUBERNETES_SERVICE_HOST']) return AgentPlatform.Kubernetes;
  return AgentPlatform.Docker;
}

const UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration (unsigned): `72h`, `1h30m`, `500ms`, `0`. Milliseconds, or null. */
export function parseGoDuration(text: string): number | null {
  if (text === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * UNITS[m[2]];
  return Math.round(total);
}
