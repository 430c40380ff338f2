import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  secondsToDuration,
  snapshotHash,
  type AsyncDockerSnapshot,
  type EdgeAsyncResponse,
  type EdgeAsyncSnapshot,
  type JsonPatchOperation,
} from '@capstan/contracts-agent';
import { BadRequestError, ClockPort, CapstanLogger } from '@capstan/server-core';
import {
  EnvironmentsService,
  SnapshotService,
  type DockerSnapshotRaw,
  type EdgeEnvironmentState,
} from '@capstan/server-environments';
import { SettingsService } from '@capstan/server-settings';
import { EdgeCommands } from './edge-commands.service';
import { EdgeModes } from './edge-modes';
import { EdgeOnboarding } from './edge-onboarding.service';
import type { EdgeAsyncCommand } from './edge-poll.command';
import { EdgePollService } from './edge-poll.service';
import { edgeRefused as refused } from './edge-credentials';
import { EdgeTunnelService } from './edge-tunnel.service';
import { EdgeAsyncSnapshotEntity } from './entities/edge-command.entity';
import { patched } from './json-patch';

/** The base of the next patch, per environment, kept in memory for the most recent ones. */
interface Base {
  readonly data: AsyncDockerSnapshot;
  readonly hash: number;
}

const BASE_CACHE_SIZE = 512;
/** Operations in one patch at most (a whole new snapshot is cheaper as a full one). */
const MAX_PATCH_OPERATIONS = 100_000;
/** An agent clock this far ahead is not believed: the snapshot is dated by the server. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface AsyncAnswer {
  readonly body: EdgeAsyncResponse;
  /** Capstan's per-environment secret, issued at this request (header). */
  readonly secret?: string;
}

/**
 * `POST /api/endpoints/edge/async` (Portainer EE, agent protocol §5.10): one request carries a ping, a snapshot
 * (full, or a JSON patch from the last acknowledged one with its hash) and/or a command tick; the answer carries
 * the intervals (nanoseconds), the commands newer than the agent's `commandTimestamp`, and `needFullSnapshot` when
 * the patch's base is not the server's (hash mismatch, unknown base after a restart, a patch that does not apply).
 *
 * The environment is found by `endpointId`, or by the edge id for an agent with a global key (onboarded into the
 * waiting room when new); the same checks as the poll (bound edge id, trust, Capstan's secret). Its first async
 * request switches the environment to async mode: no tunnel, its engine answered from the snapshot.
 */
@Injectable()
export class EdgeAsyncService {
  private readonly bases = new Map<number, Base>();

  constructor(
    private readonly environments: EnvironmentsService,
    private readonly onboarding: EdgeOnboarding,
    private readonly polls: EdgePollService,
    private readonly modes: EdgeModes,
    private readonly tunnels: EdgeTunnelService,
    private readonly commands: EdgeCommands,
    private readonly snapshots: SnapshotService,
    private readonly settings: SettingsService,
    private readonly clock: ClockPort,
    private readonly logger: CapstanLogger,
    @InjectRepository(EdgeAsyncSnapshotEntity)
    private readonly stored: Repository<EdgeAsyncSnapshotEntity>,
  ) {}

  async handle(cmd: EdgeAsyncCommand, snapshot: unknown): Promise<AsyncAnswer> {
    const parts = checkSnapshot(snapshot);
    const env = await this.environment(cmd);
    const admitted = await this.polls.admit(env, cmd);
    if (!env.asyncMode || !this.modes.isAsync(env.id)) {
      await this.modes.set(env.id, true);
      this.tunnels.drop(env.id, 'the edge agent runs in async mode');
    }
    let needFullSnapshot = false;
    if (parts) {
      needFullSnapshot = !(await this.takeSnapshot(env.id, parts));
      const { stackLogs, stackStatusArray, jobsStatus, edgeConfigStates } = parts;
      if (stackLogs || stackStatusArray || jobsStatus || edgeConfigStates)
        this.commands.report(env.id, { stackLogs, stackStatusArray, jobsStatus, edgeConfigStates });
    }
    const commands =
      cmd.commandTimestamp !== undefined
        ? await this.commands.exchange(env.id, Date.parse(cmd.commandTimestamp), errorsOf(cmd.commandErrors))
        : [];
    const s = await this.settings.get();
    const interval = (own: number, fallback: number): number =>
      secondsToDuration(own >= 0 ? own : Math.max(0, fallback));
    return {
      body: {
        pingInterval: interval(env.pingInterval, s.Edge.PingInterval),
        snapshotInterval: interval(env.snapshotInterval, s.Edge.SnapshotInterval),
        commandInterval: interval(env.commandInterval, s.Edge.CommandInterval),
        endpointID: env.id,
        commands,
        needFullSnapshot,
      },
      ...(admitted.secret ? { secret: admitted.secret } : {}),
    };
  }

  /** The environment is gone (or reset): its patch base too. */
  forget(environmentId: number): void {
    this.bases.delete(environmentId);
  }

  private async environment(cmd: EdgeAsyncCommand): Promise<EdgeEnvironmentState> {
    if (cmd.endpointId) {
      const env = await this.environments.edgeState(cmd.endpointId);
      if (!env) throw refused('No edge environment with this id');
      return env;
    }
    return (await this.onboarding.resolve(cmd.edgeId, cmd.metaFields, true)).env;
  }

  /** Stores a full snapshot, or applies a patch to the acknowledged base; false asks the agent for a full one. */
  private async takeSnapshot(environmentId: number, parts: EdgeAsyncSnapshot): Promise<boolean> {
    if (parts.docker) {
      await this.keep(environmentId, parts.docker);
      return true;
    }
    if (!parts.dockerPatch) return true;
    const base = await this.base(environmentId);
    if (!base || base.hash !== parts.dockerHash) return false;
    const next = patched(base.data, parts.dockerPatch);
    if (!next || !isDockerSnapshot(next)) return false;
    await this.keep(environmentId, next);
    return true;
  }

  private async base(environmentId: number): Promise<Base | undefined> {
    const cached = this.bases.get(environmentId);
    if (cached) return cached;
    const row = await this.stored.findOneBy({ environmentId });
    if (!row) return undefined;
    const base = { data: JSON.parse(row.data) as AsyncDockerSnapshot, hash: row.hash };
    this.remember(environmentId, base);
    return base;
  }

  private remember(environmentId: number, base: Base): void {
    this.bases.delete(environmentId);
    this.bases.set(environmentId, base);
    if (this.bases.size > BASE_CACHE_SIZE) this.bases.delete(this.bases.keys().next().value as number);
  }

  private async keep(environmentId: number, data: AsyncDockerSnapshot): Promise<void> {
    const now = this.clock.now();
    const agentTime = typeof data.Time === 'number' ? data.Time * 1000 : 0;
    const time = agentTime > 0 && agentTime < now + CLOCK_SKEW_MS ? agentTime : now;
    const hash = snapshotHash(data);
    this.remember(environmentId, { data, hash });
    await this.stored.save({ environmentId, data: JSON.stringify(data), hash, time });
    const raw = data.DockerSnapshotRaw;
    const lists: DockerSnapshotRaw = {
      Containers: raw.Containers ?? [],
      Images: raw.Images ?? [],
      Volumes: raw.Volumes?.Volumes ?? [],
      Networks: raw.Networks ?? [],
      Info: raw.Info ?? {},
      Version: raw.Version ?? {},
    };
    await this.snapshots.record(
      environmentId,
      lists,
      {
        ServiceCount: num(data.ServiceCount),
        StackCount: num(data.StackCount),
        NodeCount: num(data.NodeCount) || 1,
        ...(num(data.TotalCPU) > 0 ? { TotalCPU: num(data.TotalCPU) } : {}),
        ...(num(data.TotalMemory) > 0 ? { TotalMemory: num(data.TotalMemory) } : {}),
      },
      time,
    );
    this.logger.write('debug', 'async edge snapshot stored', { environmentId });
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function errorsOf(raw: Record<string, string> | undefined): Map<number, string> {
  const out = new Map<number, string>();
  for (const [k, v] of Object.entries(raw ?? {}))
    if (/^\d{1,10}$/.test(k) && typeof v === 'string') out.set(Number(k), v);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOrNull(v: unknown): boolean {
  return v === null || v === undefined || Array.isArray(v);
}

/** A DockerSnapshot's shape: what the server reads of it must be what it expects. */
function isDockerSnapshot(v: unknown): v is AsyncDockerSnapshot {
  if (!isObject(v) || !isObject(v['DockerSnapshotRaw'])) return false;
  const raw = v['DockerSnapshotRaw'];
  const volumes = raw['Volumes'];
  return (
    listOrNull(raw['Containers']) &&
    listOrNull(raw['Images']) &&
    listOrNull(raw['Networks']) &&
    (volumes === null || volumes === undefined || (isObject(volumes) && listOrNull(volumes['Volumes']))) &&
    (raw['Info'] === null || raw['Info'] === undefined || isObject(raw['Info'])) &&
    (raw['Version'] === null || raw['Version'] === undefined || isObject(raw['Version']))
  );
}

const PATCH_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** The body's `snapshot`, checked part by part (400 naming what is wrong), or undefined when absent. */
function checkSnapshot(v: unknown): EdgeAsyncSnapshot | undefined {
  if (v === undefined || v === null) return undefined;
  const bad = (details: string): BadRequestError => new BadRequestError('Invalid edge async request', details);
  if (!isObject(v)) throw bad('snapshot must be an object');
  if (v['docker'] !== undefined && v['docker'] !== null && !isDockerSnapshot(v['docker']))
    throw bad('snapshot.docker must be a DockerSnapshot with a DockerSnapshotRaw object');
  const patch = v['dockerPatch'];
  if (patch !== undefined && patch !== null) {
    if (!Array.isArray(patch) || patch.length > MAX_PATCH_OPERATIONS)
      throw bad(`snapshot.dockerPatch must be a list of at most ${MAX_PATCH_OPERATIONS} JSON Patch operations`);
    for (const op of patch as unknown[])
      if (!isObject(op) || !PATCH_OPS.has(String(op['op'])) || typeof op['path'] !== 'string')
        throw bad('snapshot.dockerPatch holds an operation without a known op and a path');
    const hash = v['dockerHash'];
    if (typeof hash !== 'number' || !Number.isInteger(hash) || hash < 0 || hash > 0xffffffff)
      throw bad('snapshot.dockerHash must be an unsigned 32-bit integer with dockerPatch');
  }
  for (const key of ['stackStatusArray', 'jobsStatus', 'edgeConfigStates'])
    if (v[key] !== undefined && v[key] !== null && !isObject(v[key])) throw bad(`snapshot.${key} must be an object`);
  if (v['stackLogs'] !== undefined && v['stackLogs'] !== null && !Array.isArray(v['stackLogs']))
    throw bad('snapshot.stackLogs must be a list');
  return {
    ...(isObject(v['docker']) ? { docker: v['docker'] as unknown as AsyncDockerSnapshot } : {}),
    ...(Array.isArray(patch)
      ? { dockerPatch: patch as JsonPatchOperation[], dockerHash: v['dockerHash'] as number }
      : {}),
    ...(isObject(v['stackStatusArray'])
      ? { stackStatusArray: v['stackStatusArray'] as EdgeAsyncSnapshot['stackStatusArray'] }
      : {}),
    ...(isObject(v['jobsStatus']) ? { jobsStatus: v['jobsStatus'] as EdgeAsyncSnapshot['jobsStatus'] } : {}),
    ...(isObject(v['edgeConfigStates'])
      ? { edgeConfigStates: v['edgeConfigStates'] as EdgeAsyncSnapshot['edgeConfigStates'] }
      : {}),
    ...(Array.isArray(v['stackLogs']) ? { stackLogs: v['stackLogs'] as EdgeAsyncSnapshot['stackLogs'] } : {}),
  };
}
