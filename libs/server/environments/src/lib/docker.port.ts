import type Docker from 'dockerode';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AGENT_HEADERS, CLUSTER_HEADERS, parseUnreachableNodes } from '@capstan/contracts-agent';
import { BadRequestError } from '@capstan/server-core';

/** How to reach one Docker-compatible engine (Docker or Podman). */
export interface EngineConnection {
  /** unix:///path, tcp://host:port */
  readonly url: string;
  readonly tls: boolean;
  readonly tlsSkipVerify: boolean;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly timeoutMs: number;
  /**
   * Set for agent environments (type 2): every request goes over HTTPS to the agent (its certificate is
   * self-signed, never verified) with the server's signature headers, and the target node's name when one is
   * asked for (Swarm).
   */
  readonly agent?: AgentRoute;
}

export interface AgentRoute {
  /** X-PortainerAgent-PublicKey and X-PortainerAgent-Signature. */
  readonly headers: Readonly<Record<string, string>>;
  /** X-PortainerAgent-Target: the Swarm node that must run the request. */
  readonly target?: string;
  /** X-Capstan-Agent-Browse-Host: the caller is an administrator, the agent may browse the host's files. */
  readonly browseHost?: boolean;
}

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/**
 * The connection aimed at one Swarm node (Portainer's `nodeName` query or X-PortainerAgent-Target header).
 * Ignored for direct engines; a name that cannot be a node name is refused.
 */
export function withAgentTarget(
  connection: EngineConnection,
  nodeName: string | undefined,
): EngineConnection {
  const target = (nodeName ?? '').trim();
  if (!connection.agent || target === '') return connection;
  if (!NODE_NAME.test(target))
    throw new BadRequestError('Invalid node name', 'nodeName (X-PortainerAgent-Target) is not a node name');
  return { ...connection, agent: { ...connection.agent, target } };
}

/** The headers an agent needs on a request: the signature, and the target node when set. */
export function agentHeaders(agent: AgentRoute): Record<string, string> {
  return {
    ...agent.headers,
    ...(agent.target ? { [AGENT_HEADERS.target]: agent.target } : {}),
    ...(agent.browseHost ? { [AGENT_HEADERS.browseHost]: '1' } : {}),
  };
}

/** What Capstan asks of an engine outside the proxy: pings and snapshots. */
export interface EngineClient {
  ping(): Promise<void>;
  version(): Promise<Record<string, unknown>>;
  info(): Promise<Record<string, unknown>>;
  containers(): Promise<Record<string, unknown>[]>;
  images(): Promise<Record<string, unknown>[]>;
  volumes(): Promise<Record<string, unknown>[]>;
  networks(): Promise<Record<string, unknown>[]>;
  services(): Promise<Record<string, unknown>[]>;
  nodes(): Promise<Record<string, unknown>[]>;
  /**
   * Agent on a Swarm: the nodes missing from the fanned-out lists fetched so far through this client (the agent's
   * `X-Capstan-Agent-Unreachable`), sorted. Empty for direct engines.
   */
  unreachableNodes?(): string[];
}

/** The Docker engine as a port: unit tests replace it; production uses dockerode. */
export abstract class DockerPort {
  abstract connect(connection: EngineConnection): EngineClient;
}

/** Engine versions change on upgrades only; Podman's /version shells out to runc and conmon (~250 ms). */
const VERSION_TTL_MS = 5 * 60_000;

/**
 * dockerode (with docker-modem and ssh2) weighs ~20 MB of memory: loaded on the first engine call, so a server
 * without environments stays small.
 */
let dockerode: Promise<typeof Docker> | undefined;
function loadDockerode(): Promise<typeof Docker> {
  dockerode ??= import('dockerode').then(
    (m: { default?: typeof Docker }) => (m.default ?? m) as typeof Docker,
  );
  return dockerode;
}

export class DockerodePort extends DockerPort {
  private readonly versions = new Map<string, { value: Record<string, unknown>; at: number }>();

  connect(c: EngineConnection): EngineClient {
    let client: Promise<Docker> | undefined;
    const docker = () => (client ??= loadDockerode().then((D) => new D(dockerodeOptions(c))));
    const rows = async (p: Promise<unknown>): Promise<Record<string, unknown>[]> =>
      (await p) as Record<string, unknown>[];
    const missing = new Set<string>();
    // Through an agent, the four fanned-out lists are read with their headers (dockerode drops them).
    const agentList = async (path: string): Promise<Record<string, unknown>[] | undefined> => {
      if (!c.agent) return undefined;
      const answer = await agentJson(c, path);
      for (const node of answer.unreachable) missing.add(node);
      return answer.body as Record<string, unknown>[];
    };
    return {
      unreachableNodes: () => [...missing].sort((a, b) => a.localeCompare(b)),
      ping: async () => {
        await (await docker()).ping();
      },
      version: async () => {
        const hit = this.versions.get(c.url);
        if (hit && Date.now() - hit.at < VERSION_TTL_MS) return hit.value;
        const value = (await (await docker()).version()) as unknown as Record<string, unknown>;
        if (this.versions.size > 10_000) this.versions.clear();
        this.versions.set(c.url, { value, at: Date.now() });
        return value;
      },
      info: async () => (await (await docker()).info()) as Record<string, unknown>,
      containers: async () =>
        (await agentList('/containers/json?all=1')) ?? rows((await docker()).listContainers({ all: true })),
      images: async () => (await agentList('/images/json')) ?? rows((await docker()).listImages()),
      volumes: async () => {
        if (c.agent) {
          const body = (await agentList('/volumes')) as unknown as {
            Volumes?: Record<string, unknown>[] | null;
          };
          return body.Volumes ?? [];
        }
        return ((await (await docker()).listVolumes()).Volumes ?? []) as unknown as Record<string, unknown>[];
      },
      networks: async () => (await agentList('/networks')) ?? rows((await docker()).listNetworks()),
      services: async () => rows((await docker()).listServices()),
      nodes: async () => rows((await docker()).listNodes()),
    };
  }
}

/** One signed GET to an agent: the JSON body and the nodes its fan-out says are missing. */
export function agentJson(
  c: EngineConnection,
  path: string,
): Promise<{ body: unknown; unreachable: string[] }> {
  const url = new URL(c.url);
  const agent = c.agent;
  if (!agent) return Promise.reject(new Error('not an agent connection'));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port),
        path,
        method: 'GET',
        headers: { ...agentHeaders(agent), Accept: 'application/json' },
        rejectUnauthorized: false,
        timeout: c.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let body: unknown;
          try {
            body = text === '' ? null : JSON.parse(text);
          } catch {
            body = text;
          }
          if (status < 200 || status >= 300) {
            const message = (body as { message?: unknown } | null)?.message;
            reject(
              new Error(`${path}: ${typeof message === 'string' ? message : `the agent answered ${status}`}`),
            );
            return;
          }
          resolve({
            body,
            unreachable: parseUnreachableNodes(res.headers[CLUSTER_HEADERS.unreachable.toLowerCase()]),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${c.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export function dockerodeOptions(c: EngineConnection): Docker.DockerOptions {
  const url = new URL(c.url);
  if (url.protocol === 'unix:') return { socketPath: url.pathname, timeout: c.timeoutMs };
  if (c.agent) {
    return {
      host: url.hostname,
      port: Number(url.port),
      protocol: 'https',
      timeout: c.timeoutMs,
      headers: agentHeaders(c.agent),
      // The agent's certificate is self-signed and regenerated at every start (docker-modem reads `agent`).
      ...{ agent: new HttpsAgent({ rejectUnauthorized: false }) },
    };
  }
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : c.tls ? 2376 : 2375,
    protocol: c.tls ? 'https' : 'http',
    ca: c.ca,
    cert: c.cert,
    key: c.key,
    timeout: c.timeoutMs,
    // docker-modem ignores rejectUnauthorized: the TLS settings travel in an agent.
    ...(c.tls
      ? {
          agent: new HttpsAgent({ ca: c.ca, cert: c.cert, key: c.key, rejectUnauthorized: !c.tlsSkipVerify }),
        }
      : {}),
  };
}
