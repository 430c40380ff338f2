import { type AgentMember } from '@capstan/contracts-agent';
import { withAgentTarget, type EngineConnection } from '@capstan/server-environments';

/** A JSON call to the engine (or agent) behind a connection: `EngineClient.call`, replaced in unit tests. */
export type EngineCaller = (
  connection: EngineConnection,
  method: string,
  path: string,
) => Promise<{ status: number; body: unknown }>;

export interface NodeResolverOptions {
  /** How long an answer is kept (ms): members of the cluster, container → node, exec → node. */
  ttlMs?: number;
  /** Entries kept at most (the oldest go first). */
  maxEntries?: number;
  now?: () => number;
}

const HEX_ID = /^[0-9a-f]{4,64}$/;

/**
 * Which Swarm node holds a container or an exec instance, for an agent environment called without a node
 * (Portainer's clients send `?nodeName=`; scripts and older links often do not). Without a target an agent serves
 * the request on its own node, where a container of another node is "No such container".
 *
 * - the cluster's members: the agent's `GET /agents` (one member or none: nothing to resolve, a classic agent);
 * - a container (id, id prefix or name): the agent's fanned-out `GET /containers/json?all=1&filters=…`, reading
 *   `Portainer.Agent.NodeName` of the match;
 * - an exec id: `GET /exec/{id}/json` on every member at once (`X-PortainerAgent-Target`), the one that answers 200.
 *
 * Answers are cached per agent URL for `ttlMs` (30 s), at most `maxEntries`; a failed lookup is not cached and
 * leaves the connection as it was (the agent then answers as before, e.g. 404).
 */
export class AgentNodeResolver {
  private readonly cache = new Map<string, { value: unknown; at: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly call: EngineCaller,
    options: NodeResolverOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** The connection aimed at the node running the container (unchanged when there is nothing to resolve). */
  async forContainer(connection: EngineConnection, container: string): Promise<EngineConnection> {
    if (!this.needed(connection) || !container) return connection;
    const node = await this.cached(connection, `container:${container}`, async () => {
      if ((await this.members(connection)).length < 2) return undefined;
      return this.containerNode(connection, container);
    });
    return node ? withAgentTarget(connection, node) : connection;
  }

  /** The connection aimed at the node that created the exec instance. */
  async forExec(connection: EngineConnection, execId: string): Promise<EngineConnection> {
    if (!this.needed(connection) || !execId) return connection;
    const node = await this.cached(connection, `exec:${execId}`, async () => {
      const members = await this.members(connection);
      if (members.length < 2) return undefined;
      return this.execNode(connection, members, execId);
    });
    return node ? withAgentTarget(connection, node) : connection;
  }

  private needed(connection: EngineConnection): boolean {
    return connection.agent !== undefined && !connection.agent.target;
  }

  private async members(connection: EngineConnection): Promise<string[]> {
    return (
      (await this.cached(connection, 'members', async () => {
        const r = await this.call(connection, 'GET', '/agents');
        // A standalone agent refuses /agents: no cluster, remembered like a member list (no call per request).
        if (r.status !== 200 || !Array.isArray(r.body)) return [];
        return (r.body as AgentMember[]).map((m) => m.NodeName).filter((n) => typeof n === 'string' && n);
      })) ?? []
    );
  }

  private async containerNode(connection: EngineConnection, ref: string): Promise<string | undefined> {
    type Listed = { Id?: string; Names?: string[]; Portainer?: { Agent?: { NodeName?: string } } };
    const list = async (filters: Record<string, string[]>): Promise<Listed[]> => {
      const q = encodeURIComponent(JSON.stringify(filters));
      const r = await this.call(connection, 'GET', `/containers/json?all=1&filters=${q}`);
      return r.status === 200 && Array.isArray(r.body) ? (r.body as Listed[]) : [];
    };
    let match: Listed | undefined;
    if (HEX_ID.test(ref)) match = (await list({ id: [ref] })).find((c) => c.Id?.startsWith(ref));
    // The name filter matches substrings: only an exact name counts.
    match ??= (await list({ name: [ref] })).find((c) => c.Names?.includes(`/${ref}`));
    return match?.Portainer?.Agent?.NodeName || undefined;
  }

  private async execNode(
    connection: EngineConnection,
    members: string[],
    execId: string,
  ): Promise<string | undefined> {
    const path = `/exec/${encodeURIComponent(execId)}/json`;
    const answers = await Promise.all(
      members.map(async (node) => {
        try {
          const r = await this.call(withAgentTarget(connection, node), 'GET', path);
          return r.status === 200 ? node : undefined;
        } catch {
          return undefined;
        }
      }),
    );
    return answers.find((n) => n !== undefined);
  }

  private async cached<T>(
    connection: EngineConnection,
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const k = `${connection.url}\n${key}`;
    const hit = this.cache.get(k);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value as T;
    this.cache.delete(k);
    let value: T | undefined;
    try {
      value = await load();
    } catch {
      return undefined;
    }
    if (value === undefined) return undefined;
    this.cache.set(k, { value, at: this.now() });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return value;
  }
}
