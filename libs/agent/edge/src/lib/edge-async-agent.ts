import { promisify } from 'node:util';
import { gzip, constants as zlib } from 'node:zlib';
import {
  AgentPlatform,
  EDGE_ASYNC_EPOCH,
  EDGE_ASYNC_PATH,
  applyJsonPatch,
  diffJson,
  durationToMs,
  snapshotHash,
  sortSnapshotForDiff,
  type AsyncDockerSnapshot,
  type ContainerCommandValue,
  type EdgeAsyncCommand,
  type EdgeAsyncRequest,
  type EdgeAsyncResponse,
  type EdgeCommandType,
  type EdgeKey,
  type EdgeMetaFields,
  type ImageCommandValue,
  type JsonPatchOperation,
  type VolumeCommandValue,
} from '@capstan/contracts-agent';
import type { AgentLogger, DockerEndpoint } from '@capstan/agent-api';
import { engineOk, takeDockerSnapshot } from './docker-calls';
import { EdgeServerClient, refusalText } from './server-client';

const gzipAsync = promisify(gzip);

/** With every interval off (or none known yet, as at start), a ping every minute keeps the agent visible. */
const FAIL_SAFE_MS = 60_000;
/** Ticks this close together make one request (their flags OR-ed). */
const COALESCE_MS = 100;

/** A command kind this agent does not run itself (edge stacks, jobs…): handlers are registered by other libs. */
export type EdgeCommandHandler = (command: EdgeAsyncCommand) => Promise<void>;

export interface EdgeAsyncAgentOptions {
  readonly key: EdgeKey;
  readonly edgeId: string;
  readonly platform: AgentPlatform;
  readonly docker: DockerEndpoint;
  readonly insecurePoll: boolean;
  readonly mtls?: { cert: string; key: string; ca?: string };
  readonly dataPath: string;
  readonly log: AgentLogger;
  readonly meta?: EdgeMetaFields;
  /** The first request's delay (Portainer: about a minute, the fail-safe ping). */
  readonly firstRequestMs?: number;
  /** On Swarm only the leader talks to the server (§5.5); absent: always. */
  readonly isActive?: () => Promise<boolean>;
  /** Handlers for the command types this lib does not run (edgeStack, edgeJob, edgeLog, edgeConfig). */
  readonly handlers?: Partial<Record<EdgeCommandType, EdgeCommandHandler>>;
}

interface Ticks {
  ping: boolean;
  snapshot: boolean;
  command: boolean;
}

/**
 * Async mode (`EDGE_ASYNC=1`, agent protocol §5.10): no tunnel; everything goes through
 * `POST /api/endpoints/edge/async`. Three tickers (ping, snapshot, command) at the server's intervals
 * (nanoseconds; 0 turns one off, all off = a ping a minute); ticks within 100 ms make one request. Snapshots are
 * full the first time, then a JSON patch (contracts' `diffJson`) from the last one the server acknowledged,
 * with that one's hash; `needFullSnapshot` sends a full one at once. Commands are run in order and their
 * timestamp recorded after each; failures are reported (`commandErrors`, Capstan) on the next request.
 */
export class EdgeAsyncAgent {
  private readonly client: EdgeServerClient;
  private endpointId: number;
  private intervals = { ping: 0, snapshot: 0, command: 0 };
  private readonly timers: NodeJS.Timeout[] = [];
  private pendingTicks: Ticks | undefined;
  private flushTimer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The snapshot the server holds (as it holds it: the base patched by what we sent). */
  private acknowledged?: AsyncDockerSnapshot;
  private commandTimestamp = EDGE_ASYNC_EPOCH;
  private readonly failures = new Map<number, string>();

  constructor(private readonly o: EdgeAsyncAgentOptions) {
    this.endpointId = o.key.endpointId;
    this.client = new EdgeServerClient(o);
  }

  async start(): Promise<void> {
    await this.client.loadSecret();
    this.reschedule();
    const first = this.o.firstRequestMs ?? FAIL_SAFE_MS;
    this.timers.push(setTimeout(() => this.tick({ ping: true, snapshot: true, command: true }), first));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    clearTimeout(this.flushTimer);
  }

  /** The environment id in use (a global key's, once the server told it). */
  get environmentId(): number {
    return this.endpointId;
  }

  private reschedule(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    if (this.stopped) return;
    const every = (ms: number, ticks: Partial<Ticks>): void => {
      if (ms > 0) this.timers.push(setInterval(() => this.tick(ticks), Math.max(ms, 200)));
    };
    const { ping, snapshot, command } = this.intervals;
    if (ping <= 0 && snapshot <= 0 && command <= 0) every(FAIL_SAFE_MS, { ping: true });
    every(ping, { ping: true });
    every(snapshot, { snapshot: true });
    every(command, { command: true });
  }

  private tick(t: Partial<Ticks>): void {
    const p = (this.pendingTicks ??= { ping: false, snapshot: false, command: false });
    p.ping ||= t.ping === true;
    p.snapshot ||= t.snapshot === true;
    p.command ||= t.command === true;
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const ticks = this.pendingTicks;
      this.pendingTicks = undefined;
      if (ticks) this.running = this.running.then(() => this.exchange(ticks));
    }, COALESCE_MS);
  }

  private async exchange(ticks: Ticks, forceFull = false): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.o.isActive && !(await this.o.isActive())) return;
      const body: EdgeAsyncRequest = {
        ...(this.endpointId > 0 ? { endpointId: this.endpointId } : {}),
        metaFields: this.o.meta ?? null,
      };
      let sent: { full: AsyncDockerSnapshot; ops?: JsonPatchOperation[] } | undefined;
      if (ticks.snapshot || forceFull) {
        const current = sortSnapshotForDiff(await takeDockerSnapshot(this.o.docker));
        if (this.acknowledged && !forceFull) {
          const ops = diffJson(this.acknowledged, current);
          body.snapshot = { dockerPatch: ops, dockerHash: snapshotHash(this.acknowledged) };
          sent = { full: current, ops };
        } else {
          body.snapshot = { docker: current };
          sent = { full: current };
        }
      }
      if (ticks.command) body.commandTimestamp = this.commandTimestamp;
      if (this.failures.size > 0)
        body.commandErrors = Object.fromEntries([...this.failures].map(([id, m]) => [String(id), m]));
      const answer = await this.post(body);
      this.failures.clear();
      if (this.o.key.endpointId === 0) this.endpointId = answer.endpointID;
      this.adoptIntervals(answer);
      if (answer.needFullSnapshot) {
        this.acknowledged = undefined;
        this.o.log.info('async: the server asked for a full snapshot');
        await this.exchange({ ping: false, snapshot: false, command: false }, true);
      } else if (sent) {
        // What the server now holds: its base with our patch applied (or the full one), so our next hash is its.
        this.acknowledged =
          sent.ops && this.acknowledged ? applyJsonPatch(this.acknowledged, sent.ops) : sent.full;
      }
      if (answer.commands.length > 0) await this.run(answer.commands);
    } catch (e) {
      this.o.log.warn(`async edge request failed: ${(e as Error).message}`);
      if (this.o.key.endpointId === 0) this.endpointId = 0;
    }
  }

  private adoptIntervals(answer: EdgeAsyncResponse): void {
    const next = {
      ping: durationToMs(answer.pingInterval),
      snapshot: durationToMs(answer.snapshotInterval),
      command: durationToMs(answer.commandInterval),
    };
    if (
      next.ping !== this.intervals.ping ||
      next.snapshot !== this.intervals.snapshot ||
      next.command !== this.intervals.command
    ) {
      this.intervals = next;
      this.reschedule();
    }
  }

  private async post(body: EdgeAsyncRequest): Promise<EdgeAsyncResponse> {
    const json = Buffer.from(JSON.stringify(body));
    // Bodies with a snapshot are gzipped (best compression), as Portainer's agent sends them.
    const compressed = body.snapshot !== undefined;
    const payload = compressed ? await gzipAsync(json, { level: zlib.Z_BEST_COMPRESSION }) : json;
    const r = await this.client.request('POST', EDGE_ASYNC_PATH, {
      body: payload,
      headers: { 'Content-Type': 'application/json', ...(compressed ? { 'Content-Encoding': 'gzip' } : {}) },
    });
    if (r.status !== 200) throw new Error(refusalText(r));
    return JSON.parse(r.body) as EdgeAsyncResponse;
  }

  /** Runs commands in order; the timestamp of each is recorded after it (failed ones are reported, not retried). */
  private async run(commands: readonly EdgeAsyncCommand[]): Promise<void> {
    for (const c of commands) {
      if (Date.parse(c.timestamp) <= Date.parse(this.commandTimestamp)) continue;
      try {
        await this.runOne(c);
      } catch (e) {
        this.failures.set(c.id, (e as Error).message);
        this.o.log.warn(`async command ${c.id} (${c.type}) failed: ${(e as Error).message}`);
      }
      this.commandTimestamp = c.timestamp;
    }
  }

  private async runOne(c: EdgeAsyncCommand): Promise<void> {
    const docker = this.o.docker;
    const value = lowerKeys(c.value);
    switch (c.type) {
      case 'container': {
        const v = value as unknown as Partial<ContainerCommandValue> & Record<string, unknown>;
        const name = encodeURIComponent(String(v['containername'] ?? ''));
        const op = String(v['containeroperation'] ?? '');
        const rm = lowerKeys(v['containerremoveoptions']) as Record<string, unknown>;
        if (op === 'delete')
          await engineOk(
            docker,
            'DELETE',
            `/containers/${name}?force=${rm['force'] === true}&v=${rm['removevolumes'] === true}&link=${rm['removelinks'] === true}`,
          );
        else if (['start', 'stop', 'restart', 'kill'].includes(op))
          await engineOk(docker, 'POST', `/containers/${name}/${op}`);
        else throw new Error(`unknown container operation ${op}`);
        return;
      }
      case 'image': {
        const v = value as unknown as Partial<ImageCommandValue> & Record<string, unknown>;
        const rm = lowerKeys(v['imageremoveoptions']) as Record<string, unknown>;
        await engineOk(
          docker,
          'DELETE',
          `/images/${encodeURIComponent(String(v['imagename'] ?? ''))}?force=${rm['force'] === true}&noprune=${rm['prunechildren'] === false}`,
        );
        return;
      }
      case 'volume': {
        const v = value as unknown as Partial<VolumeCommandValue> & Record<string, unknown>;
        await engineOk(
          docker,
          'DELETE',
          `/volumes/${encodeURIComponent(String(v['volumename'] ?? ''))}?force=${v['forceremove'] === true}`,
        );
        return;
      }
      default: {
        const handler = this.o.handlers?.[c.type];
        if (!handler) throw new Error(`command type ${c.type} is not supported by this agent`);
        await handler(c);
      }
    }
  }
}

/** Command values are decoded by field name, case-insensitively (§5.10): keys lower-cased, one level. */
function lowerKeys(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), x]));
}
