import { isAbsolute, resolve } from 'node:path';
import { readFlag } from '../entry/query-values';

/** Log levels in increasing verbosity. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'pretty' | 'json';

/**
 * The server's whole configuration, read once from the environment and validated at boot.
 * Nothing else in the server reads `process.env`.
 */
export interface CapstanConfig {
  readonly dataDir: string;
  readonly bindAddress: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly httpDisabled: boolean;
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  readonly tunnelPort: number;
  /** How long a request to an edge environment waits for its agent to open the tunnel. */
  readonly edgeTunnelWaitMs: number;
  /** An edge tunnel unused this long is closed (after a snapshot). */
  readonly edgeTunnelIdleMs: number;
  /** Path prefix the server is mounted under behind a reverse proxy, '' or like '/capstan'. */
  readonly baseUrl: string;
  readonly databaseUrl: string | undefined;
  readonly secretKey: string | undefined;
  readonly adminUsername: string;
  readonly adminPassword: string | undefined;
  readonly adminPasswordFile: string | undefined;
  readonly adminInitTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly portalDir: string | undefined;
  /** Environment added at boot when there is none (unix:///var/run/docker.sock, tcp://host:port). */
  readonly initialEnvironment: string | undefined;
  /** Shared secret of the classic agents (their AGENT_SECRET): then it is what every agent request signs. */
  readonly agentSecret?: string | undefined;
}

/** One entry per configuration variable: the README's table is generated from this list. */
export interface ConfigVariable {
  readonly name: string;
  readonly default: string;
  readonly description: string;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'CAPSTAN_DATA_DIR',
    default: './data',
    description: 'Directory for the SQLite files, keys, certificates and files',
  },
  {
    name: 'CAPSTAN_BIND_ADDRESS',
    default: '127.0.0.1',
    description: 'Address the HTTP and HTTPS listeners bind (0.0.0.0 in the container image)',
  },
  { name: 'CAPSTAN_HTTP_PORT', default: '9000', description: 'HTTP port' },
  {
    name: 'CAPSTAN_HTTPS_PORT',
    default: '9443',
    description: 'HTTPS port (self-signed certificate generated into the data dir unless given)',
  },
  { name: 'CAPSTAN_HTTP_DISABLED', default: 'false', description: 'Serve HTTPS only' },
  {
    name: 'CAPSTAN_TLS_CERT',
    default: '',
    description: 'PEM certificate file for HTTPS (with CAPSTAN_TLS_KEY)',
  },
  {
    name: 'CAPSTAN_TLS_KEY',
    default: '',
    description: 'PEM private key file for HTTPS (with CAPSTAN_TLS_CERT)',
  },
  {
    name: 'CAPSTAN_TUNNEL_PORT',
    default: '8000',
    description: 'Edge tunnel port (chisel over WebSocket), on CAPSTAN_BIND_ADDRESS',
  },
  {
    name: 'CAPSTAN_EDGE_TUNNEL_WAIT',
    default: '30s',
    description: 'How long a request to an edge environment waits for the agent to open its tunnel',
  },
  {
    name: 'CAPSTAN_EDGE_TUNNEL_IDLE',
    default: '5m',
    description: 'An edge tunnel unused this long is closed, after a snapshot',
  },
  {
    name: 'CAPSTAN_BASE_URL',
    default: '',
    description: 'Path prefix when served behind a reverse proxy, e.g. /capstan',
  },
  {
    name: 'CAPSTAN_DATABASE_URL',
    default: '',
    description: 'postgres://user:pass@host:port/db; unset = embedded SQLite in the data dir',
  },
  {
    name: 'CAPSTAN_SECRET_KEY',
    default: '',
    description:
      'Key (≥ 32 chars) encrypting secrets at rest; unset = a generated key file (0600) in the data dir',
  },
  {
    name: 'CAPSTAN_ADMIN_USERNAME',
    default: 'admin',
    description: 'Username of the administrator created at boot from the password below',
  },
  {
    name: 'CAPSTAN_ADMIN_PASSWORD',
    default: '',
    description: 'Create the administrator at boot with this password (if none exists)',
  },
  {
    name: 'CAPSTAN_ADMIN_PASSWORD_FILE',
    default: '',
    description: 'Same, read from a file (Docker/Kubernetes secrets)',
  },
  {
    name: 'CAPSTAN_ADMIN_INIT_TIMEOUT',
    default: '5m',
    description: 'How long a fresh instance waits for its first administrator before locking until restart',
  },
  { name: 'CAPSTAN_LOG_LEVEL', default: 'info', description: 'error, warn, info or debug' },
  { name: 'CAPSTAN_LOG_FORMAT', default: 'pretty', description: 'pretty or json' },
  {
    name: 'CAPSTAN_INITIAL_ENVIRONMENT',
    default: '',
    description:
      'Docker or Podman URL added as environment "local" at boot when none exists, e.g. unix:///var/run/docker.sock',
  },
  {
    name: 'CAPSTAN_AGENT_SECRET',
    default: '',
    description:
      'Shared secret of the classic agents (their AGENT_SECRET): signed instead of the constant message',
  },
  {
    name: 'CAPSTAN_PORTAL_DIR',
    default: '(built portal)',
    description: 'Directory of the portal files served at /',
  },
];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses Go-style durations ("8h", "5m", "1h30m", "250ms"). Returns undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '0') return trimmed === '0' ? 0 : undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(trimmed); m !== null; m = re.exec(trimmed)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    consumed = re.lastIndex;
  }
  return consumed === trimmed.length && consumed > 0 ? total : undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates every variable, collecting all problems before failing. */
export function loadConfig(env: Env, cwd: string = process.cwd()): CapstanConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const port = (name: string, fallback: number): number => {
    const v = str(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
      problems.push(`${name}: "${v}" is not a port number (1-65535)`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string): boolean => {
    const v = str(name)?.toLowerCase();
    if (v === undefined) return false;
    const flag = readFlag(v);
    if (flag !== undefined) return flag;
    problems.push(`${name}: "${v}" is not a boolean (true/false)`);
    return false;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = str(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push(`${name}: "${v}" must be one of ${allowed.join(', ')}`);
    return fallback;
  };

  const dataDirRaw = str('CAPSTAN_DATA_DIR') ?? './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);
  const bindAddress = str('CAPSTAN_BIND_ADDRESS') ?? '127.0.0.1';
  if (!/^[0-9a-fA-F.:]+$/.test(bindAddress) && bindAddress !== 'localhost') {
    problems.push(`CAPSTAN_BIND_ADDRESS: "${bindAddress}" is not an IP address`);
  }
  const httpPort = port('CAPSTAN_HTTP_PORT', 9000);
  const httpsPort = port('CAPSTAN_HTTPS_PORT', 9443);
  const tunnelPort = port('CAPSTAN_TUNNEL_PORT', 8000);
  if (httpPort === httpsPort) problems.push('CAPSTAN_HTTP_PORT and CAPSTAN_HTTPS_PORT must differ');
  const httpDisabled = bool('CAPSTAN_HTTP_DISABLED');
  const tlsCertFile = str('CAPSTAN_TLS_CERT');
  const tlsKeyFile = str('CAPSTAN_TLS_KEY');
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) {
    problems.push('CAPSTAN_TLS_CERT and CAPSTAN_TLS_KEY must be set together');
  }

  let baseUrl = str('CAPSTAN_BASE_URL') ?? '';
  if (baseUrl !== '') {
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(baseUrl)) {
      problems.push(`CAPSTAN_BASE_URL: "${baseUrl}" must be a path starting with / (e.g. /capstan)`);
    }
    baseUrl = baseUrl.replace(/\/+$/, '');
  }

  const databaseUrl = str('CAPSTAN_DATABASE_URL');
  if (databaseUrl !== undefined) {
    try {
      const u = new URL(databaseUrl);
      if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
        problems.push(
          'CAPSTAN_DATABASE_URL: only postgres:// URLs are supported (unset it for embedded SQLite)',
        );
      }
    } catch {
      problems.push('CAPSTAN_DATABASE_URL: not a valid URL');
    }
  }

  const secretKey = str('CAPSTAN_SECRET_KEY');
  if (secretKey !== undefined && secretKey.length < 32) {
    problems.push('CAPSTAN_SECRET_KEY: must be at least 32 characters');
  }

  const adminUsername = str('CAPSTAN_ADMIN_USERNAME') ?? 'admin';
  if (/\s/.test(adminUsername)) problems.push('CAPSTAN_ADMIN_USERNAME: must not contain whitespace');
  const adminPassword = env['CAPSTAN_ADMIN_PASSWORD'] === '' ? undefined : env['CAPSTAN_ADMIN_PASSWORD'];
  const adminPasswordFile = str('CAPSTAN_ADMIN_PASSWORD_FILE');
  if (adminPassword !== undefined && adminPasswordFile !== undefined) {
    problems.push('CAPSTAN_ADMIN_PASSWORD and CAPSTAN_ADMIN_PASSWORD_FILE are mutually exclusive');
  }

  const positiveDuration = (name: string, fallback: string): number => {
    const text = str(name) ?? fallback;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) {
      problems.push(`${name}: "${text}" is not a positive duration (e.g. 5m, 30s)`);
      return parseDuration(fallback) ?? 0;
    }
    return ms;
  };
  const edgeTunnelWaitMs = positiveDuration('CAPSTAN_EDGE_TUNNEL_WAIT', '30s');
  const edgeTunnelIdleMs = positiveDuration('CAPSTAN_EDGE_TUNNEL_IDLE', '5m');

  const timeoutText = str('CAPSTAN_ADMIN_INIT_TIMEOUT') ?? '5m';
  const adminInitTimeoutMs = parseDuration(timeoutText);
  if (adminInitTimeoutMs === undefined || adminInitTimeoutMs <= 0) {
    problems.push(`CAPSTAN_ADMIN_INIT_TIMEOUT: "${timeoutText}" is not a positive duration (e.g. 5m, 30s)`);
  }

  const logLevel = oneOf('CAPSTAN_LOG_LEVEL', LOG_LEVELS, 'info');
  const logFormat = oneOf<LogFormat>('CAPSTAN_LOG_FORMAT', ['pretty', 'json'], 'pretty');
  const portalRaw = str('CAPSTAN_PORTAL_DIR');
  const initialEnvironment = str('CAPSTAN_INITIAL_ENVIRONMENT');
  if (initialEnvironment !== undefined && !/^(unix:\/\/\/\S+|tcp:\/\/\S+:\d+)$/.test(initialEnvironment)) {
    problems.push(
      `CAPSTAN_INITIAL_ENVIRONMENT: "${initialEnvironment}" must be unix:///path or tcp://host:port`,
    );
  }

  const agentSecret = env['CAPSTAN_AGENT_SECRET'] === '' ? undefined : env['CAPSTAN_AGENT_SECRET'];

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    dataDir,
    bindAddress,
    httpPort,
    httpsPort,
    httpDisabled,
    tlsCertFile,
    tlsKeyFile,
    tunnelPort,
    edgeTunnelWaitMs,
    edgeTunnelIdleMs,
    baseUrl,
    databaseUrl,
    secretKey,
    adminUsername,
    adminPassword,
    adminPasswordFile,
    adminInitTimeoutMs: adminInitTimeoutMs ?? 300_000,
    logLevel,
    logFormat,
    portalDir: portalRaw === undefined ? undefined : resolve(cwd, portalRaw),
    initialEnvironment,
    agentSecret,
  };
}
