import { EngineConnections } from './engine-connections';
import { engineKey, type EngineConnection } from './engine-connection';

/** What Capstan reads from an engine outside the proxy: pings, snapshots, the dashboard. */
export interface EngineReader {
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
   * Agent on a Swarm: the nodes missing from the fanned-out lists fetched so far through this reader (the
   * agent's `X-Capstan-Agent-Unreachable`), sorted. Empty for direct engines.
   */
  unreachableNodes?(): string[];
}

/** The engine's lists as a port: unit tests replace it; production reads them with the engine client. */
export abstract class DockerPort {
  abstract connect(connection: EngineConnection): EngineReader;
}

/** Engine versions change on upgrades only; Podman's /version shells out to runc and conmon (~250 ms). */
const VERSION_TTL_MS = 5 * 60_000;
/**
 * Podman's /info shells out too and walks its storage (0.1–0.7 s, more on a cold machine) and Podman answers
 * one at a time: a snapshot pass over environments on the same engine waited for one /info per environment.
 * Host facts (CPUs, memory, Swarm state) only are read from it; the counts come from the lists, never shared.
 */
const INFO_TTL_MS = 10_000;
const MAX_SHARED = 10_000;

export class EngineDockerPort extends DockerPort {
  /** Answers shared by the connections that reach the same engine the same way (in flight, then for a TTL). */
  private readonly shared = new Map<string, { value: Promise<Record<string, unknown>>; at: number }>();

  constructor(private readonly engines: EngineConnections) {
    super();
  }

  connect(c: EngineConnection): EngineReader {
    const client = this.engines.client(c);
    const missing = new Set<string>();
    const get = async <T>(path: string): Promise<T> => {
      const answer = await client.get(path);
      for (const node of answer.unreachable) missing.add(node);
      return answer.body as T;
    };
    type Rows = Record<string, unknown>[];
    return {
      unreachableNodes: () => [...missing].sort((a, b) => a.localeCompare(b)),
      ping: async () => {
        await client.get('/_ping');
      },
      version: () => this.share(c, '/version', VERSION_TTL_MS, get),
      info: () => this.share(c, '/info', INFO_TTL_MS, get),
      containers: () => get<Rows>('/containers/json?all=1'),
      images: () => get<Rows>('/images/json'),
      volumes: async () => (await get<{ Volumes?: Rows | null }>('/volumes')).Volumes ?? [],
      networks: () => get<Rows>('/networks'),
      services: () => get<Rows>('/services'),
      nodes: () => get<Rows>('/nodes'),
    };
  }

  private share(
    c: EngineConnection,
    path: string,
    ttlMs: number,
    get: (path: string) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const key = `${engineKey(c)} ${c.agent?.target ?? ''} ${path}`;
    const hit = this.shared.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value;
    if (this.shared.size > MAX_SHARED) this.shared.clear();
    const value = get(path);
    const entry = { value, at: Date.now() };
    this.shared.set(key, entry);
    // A failure is not kept: the next call asks again.
    value.catch(() => this.shared.get(key) === entry && this.shared.delete(key));
    return value;
  }
}
