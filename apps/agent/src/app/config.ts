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
  /** EDGE=1: edge mode (polls the server, serves the API through the reverse tunnel only). */
  edge?: EdgeConfig;
}

export interface EdgeConfig {
  /** EDGE_ID */
  id: string;
  /** EDGE_KEY (may be absent: then the key file, then the key page). */
  key?: string;
  /** DATA_PATH (default /data): the key file and the poll secret. */
  dataPath: string;
  /** EDGE_SERVER_HOST / EDGE_SERVER_PORT: the key page. */
  keyPageHost: string;
  keyPagePort: number;
  /** EDGE_INACTIVITY_TIMEOUT (default 5m). */
  inactivityMs: number;
  /** EDGE_INSECURE_POLL */
  insecurePoll: boolean;
  /** MTLS_SSL_CERT / MTLS_SSL_KEY / MTLS_SSL_CA */
  mtls?: { cert: string; key: string; ca?: string };
  /** Key page lifetime (15 min; shortened in tests with EDGE_KEY_PAGE_TIMEOUT). */
  keyPageTimeoutMs: number;
  /** EDGE_JOB_RUNNER: who runs edge jobs — cron (the host's cron daemon, default), agent (croner), both (tests). */
  jobRunner: 'cron' | 'agent' | 'both';
  /** EDGE_ASYNC: async mode (snapshots and a command queue, no tunnel). */
  async: boolean;
  /** EDGE_GROUPS, PORTAINER_TAGS (colon-separated ids), PORTAINER_GROUP: auto-onboarding with a global key. */
  meta?: { edgeGroupsIds: number[]; tagsIds: number[]; environmentGroupId: number };
  /** First async request's delay (Portainer: the 1-minute fail-safe; shortened in tests with EDGE_ASYNC_FIRST). */
  asyncFirstMs: number;
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

  const edge = truthy(env['EDGE']) ? loadEdgeConfig(env, problems) : undefined;
  if (!edge && truthy(env['EDGE_ASYNC'])) problems.push('EDGE_ASYNC needs EDGE=1');

  if (problems.length > 0) throw new AgentConfigError(problems);
  return {
    ...(edge ? { edge } : {}),
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

function truthy(v: string | undefined): boolean {
  return v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase());
}

function loadEdgeConfig(env: NodeJS.ProcessEnv, problems: string[]): EdgeConfig {
  const id = env['EDGE_ID']?.trim() ?? '';
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(id))
    problems.push('EDGE_ID is required in edge mode (1–128 of A-Z a-z 0-9 . _ : -)');
  const duration = (name: string, fallback: string): number => {
    const text = env[name]?.trim() || fallback;
    const ms = parseGoDuration(text);
    if (ms === null || ms <= 0) {
      problems.push(`${name} must be a positive duration such as 5m or 30s, got "${text}"`);
      return parseGoDuration(fallback) ?? 0;
    }
    return ms;
  };
  const rawPort = env['EDGE_SERVER_PORT']?.trim() || '80';
  const keyPagePort = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || keyPagePort < 1 || keyPagePort > 65535)
    problems.push(`EDGE_SERVER_PORT must be a port number, got "${rawPort}"`);
  const jobRunner = (env['EDGE_JOB_RUNNER']?.trim() || 'cron') as EdgeConfig['jobRunner'];
  if (!['cron', 'agent', 'both'].includes(jobRunner))
    problems.push(`EDGE_JOB_RUNNER must be cron, agent or both, got "${jobRunner}"`);
  const cert = env['MTLS_SSL_CERT']?.trim();
  const key = env['MTLS_SSL_KEY']?.trim();
  if (Boolean(cert) !== Boolean(key)) problems.push('MTLS_SSL_CERT and MTLS_SSL_KEY go together');
  const ids = (name: string): number[] => {
    const text = env[name]?.trim() ?? '';
    if (text === '') return [];
    if (!/^\d{1,10}(:\d{1,10})*$/.test(text)) {
      problems.push(`${name} must be colon-separated ids such as 1:2:3, got "${text}"`);
      return [];
    }
    return text.split(':').map(Number);
  };
  const edgeGroupsIds = ids('EDGE_GROUPS');
  const tagsIds = ids('PORTAINER_TAGS');
  const rawGroup = env['PORTAINER_GROUP']?.trim() ?? '';
  if (rawGroup !== '' && !/^\d{1,10}$/.test(rawGroup))
    problems.push(`PORTAINER_GROUP must be an environment group id, got "${rawGroup}"`);
  const environmentGroupId = /^\d{1,10}$/.test(rawGroup) ? Number(rawGroup) : 0;
  const hasMeta = edgeGroupsIds.length > 0 || tagsIds.length > 0 || environmentGroupId > 0;
  return {
    id,
    key: env['EDGE_KEY']?.trim() || undefined,
    async: truthy(env['EDGE_ASYNC']),
    ...(hasMeta ? { meta: { edgeGroupsIds, tagsIds, environmentGroupId } } : {}),
    asyncFirstMs: duration('EDGE_ASYNC_FIRST', '1m'),
    dataPath: env['DATA_PATH']?.trim() || '/data',
    keyPageHost: env['EDGE_SERVER_HOST']?.trim() || '0.0.0.0',
    keyPagePort,
    inactivityMs: duration('EDGE_INACTIVITY_TIMEOUT', '5m'),
    insecurePoll: truthy(env['EDGE_INSECURE_POLL']),
    ...(cert && key ? { mtls: { cert, key, ca: env['MTLS_SSL_CA']?.trim() || undefined } } : {}),
    keyPageTimeoutMs: duration('EDGE_KEY_PAGE_TIMEOUT', '15m'),
    jobRunner,
  };
}
