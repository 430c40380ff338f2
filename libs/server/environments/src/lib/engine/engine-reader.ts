import { EngineConnections } from './engine-connections';
import type { EngineConnection } from './engine-connection';

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

export class EngineDockerPort extends DockerPort {
  private readonly versions = new Map<string, { value: Record<string, unknown>; at: number }>();

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
      version: async () => {
        const hit = this.versions.get(c.url);
        if (hit && Date.now() - hit.at < VERSION_TTL_MS) return hit.value;
        const value = await get<Record<string, unknown>>('/version');
        if (this.versions.size > 10_000) this.versions.clear();
        this.versions.set(c.url, { value, at: Date.now() });
        return value;
      },
      info: () => get<Record<string, unknown>>('/info'),
      containers: () => get<Rows>('/containers/json?all=1'),
      images: () => get<Rows>('/images/json'),
      volumes: async () => (await get<{ Volumes?: Rows | null }>('/volumes')).Volumes ?? [],
      networks: () => get<Rows>('/networks'),
      services: () => get<Rows>('/services'),
      nodes: () => get<Rows>('/nodes'),
    };
  }
}
