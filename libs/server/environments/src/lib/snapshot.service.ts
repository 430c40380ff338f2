import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EnvironmentType } from '@capstan/contracts-api';
import { AUTOCOMMIT, CapstanLogger, ClockPort, parseDuration } from '@capstan/server-core';
import { SettingsService } from '@capstan/server-settings';
import { DockerPort } from './engine/engine-reader';
import { EnvironmentEntity } from './entities/environment.entity';
import { SnapshotEntity, SnapshotRawEntity } from './entities/snapshot.entity';
import { EnvironmentsService } from './environments.service';
import { EdgeTunnels } from './edge/edge-tunnels.port';
import { swarmTotals } from './agent/swarm-totals';
import { RefreshScheduler } from './refresh-scheduler';
import { summarise, type DockerSnapshotRaw, type DockerSnapshotSummary } from './snapshot.model';

/** Used when the settings hold no valid value (they are validated on update). */
const DEFAULT_TIMEOUT_MS = 10_000;
/** A refresh after changes runs this long after the last change of a burst, or this long after the first. */
const REFRESH_QUIET_MS = 750;
const REFRESH_MAX_WAIT_MS = 3_000;

/** The environment types snapshotted as Docker engines (directly or through an agent). */
const DOCKER_ENVIRONMENT_TYPES: readonly EnvironmentType[] = [EnvironmentType.Docker, EnvironmentType.Agent];

export interface SnapshotOutcome {
  environmentId: number;
  status: 1 | 2;
  error?: string;
}

/**
 * Snapshots every environment on the settings' interval (and on demand): a bounded worker pool with a
 * per-environment timeout, so one slow engine delays nobody. The summary and the raw lists are stored apart.
 * A failed snapshot marks the environment down and keeps its last snapshot.
 */
@Injectable()
export class SnapshotService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SnapshotOutcome[]> | undefined;
  private readonly refreshes = new RefreshScheduler<number>((id) => this.refresh(id), {
    quietMs: REFRESH_QUIET_MS,
    maxWaitMs: REFRESH_MAX_WAIT_MS,
  });

  constructor(
    private readonly environments: EnvironmentsService,
    private readonly docker: DockerPort,
    private readonly settings: SettingsService,
    private readonly clock: ClockPort,
    private readonly logger: CapstanLogger,
    @InjectRepository(SnapshotEntity) private readonly summaries: Repository<SnapshotEntity>,
    @InjectRepository(SnapshotRawEntity) private readonly raws: Repository<SnapshotRawEntity>,
    private readonly edgeTunnels: EdgeTunnels,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.settings.onChange(() => void this.schedule());
    await this.schedule();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.refreshes.stop();
  }

  /**
   * After a change made through Capstan (the Docker proxy): the environment's snapshot is taken again soon,
   * once per burst of changes, so its counts are not minutes old. Never waits.
   */
  refreshSoon(environmentId: number): void {
    this.refreshes.request(environmentId);
  }

  /** One pass over all environments; a pass already running is joined, not doubled. */
  async snapshotAll(): Promise<SnapshotOutcome[]> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  async snapshotOne(env: EnvironmentEntity, timeoutMs?: number): Promise<SnapshotOutcome> {
    const started = this.clock.now();
    const deadline = timeoutMs ?? (await this.limits()).timeoutMs;
    try {
      const { summary, raw } = await withTimeout(
        this.collect(env, deadline),
        deadline,
        `no answer within ${deadline / 1000} s`,
      );
      await this.summaries.save(
        { environmentId: env.id, time: started, summary: JSON.stringify(summary) },
        AUTOCOMMIT,
      );
      await this.raws.save({ environmentId: env.id, data: JSON.stringify(raw) }, AUTOCOMMIT);
      if (env.status !== 1) await this.environments.setStatus(env.id, 1);
      return { environmentId: env.id, status: 1 };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      if (env.status !== 2) {
        await this.environments.setStatus(env.id, 2);
        this.logger.write('warn', 'environment is down', { environmentId: env.id, name: env.name, error });
      }
      return { environmentId: env.id, status: 2, error };
    }
  }

  private async refresh(environmentId: number): Promise<void> {
    // An async edge environment's snapshot is the agent's to send; a pull would only copy the last one.
    if (this.edgeTunnels.isAsync(environmentId)) return;
    const env = await this.environments.get(environmentId).catch(() => undefined);
    if (env) await this.snapshotOne(env); // gone since: nothing to refresh
  }

  /**
   * A snapshot taken elsewhere (an async edge agent's): stored as a pulled one would be, and the environment marked
   * up. The agent's own counts for what the raw lists do not show (services, stacks, nodes, capacity) win.
   */
  async record(
    environmentId: number,
    raw: DockerSnapshotRaw,
    agentCounts: Partial<DockerSnapshotSummary>,
    time: number,
  ): Promise<void> {
    const summary: DockerSnapshotSummary = { ...summarise(raw, [], [], time), ...agentCounts };
    await this.summaries.save({ environmentId, time, summary: JSON.stringify(summary) }, AUTOCOMMIT);
    await this.raws.save({ environmentId, data: JSON.stringify(raw) }, AUTOCOMMIT);
    await this.environments.setStatus(environmentId, 1);
  }

  /** The raw lists with the time of their snapshot (unix seconds), for browsing a down environment. */
  async rawWithTime(environmentId: number): Promise<{ raw: DockerSnapshotRaw; time: number } | undefined> {
    const [raw, summary] = await Promise.all([
      this.raw(environmentId),
      this.summaries.findOneBy({ environmentId }),
    ]);
    if (!raw || !summary) return undefined;
    return { raw, time: (JSON.parse(summary.summary) as DockerSnapshotSummary).Time };
  }

  async raw(environmentId: number): Promise<DockerSnapshotRaw | undefined> {
    const row = await this.raws.findOneBy({ environmentId });
    return row ? (JSON.parse(row.data) as DockerSnapshotRaw) : undefined;
  }

  /** Concurrency and per-environment deadline, from the settings. */
  private async limits(): Promise<{ concurrency: number; timeoutMs: number }> {
    const s = await this.settings.get();
    return {
      concurrency: Math.min(64, Math.max(1, Math.floor(s.SnapshotConcurrency) || 8)),
      timeoutMs: parseDuration(s.SnapshotTimeout) ?? DEFAULT_TIMEOUT_MS,
    };
  }

  private async collect(
    env: EnvironmentEntity,
    timeoutMs: number,
  ): Promise<{ summary: DockerSnapshotSummary; raw: DockerSnapshotRaw }> {
    const client = this.docker.connect(this.environments.connectionOf(env, timeoutMs));
    const [info, version, containers, images, volumes, networks] = await Promise.all([
      client.info(),
      client.version(),
      client.containers(),
      client.images(),
      client.volumes(),
      client.networks(),
    ]);
    const swarm = (info['Swarm'] as { ControlAvailable?: boolean } | undefined)?.ControlAvailable === true;
    const [services, nodes] = swarm ? await Promise.all([client.services(), client.nodes()]) : [[], []];
    const raw: DockerSnapshotRaw = {
      Containers: containers,
      Images: images,
      Volumes: volumes,
      Networks: networks,
      Info: info,
      Version: version,
    };
    // A Swarm's capacity is its nodes' (through an agent, the containers and lists are already every node's).
    // Through an agent, nodes that did not answer the fanned-out lists are named (their items are missing).
    const unreachable = client.unreachableNodes?.() ?? [];
    if (unreachable.length > 0)
      this.logger.write('warn', 'snapshot is partial: agents did not answer', {
        environmentId: env.id,
        nodes: unreachable.join(','),
      });
    return {
      summary: { ...summarise(raw, services, nodes, this.clock.now(), unreachable), ...swarmTotals(nodes) },
      raw,
    };
  }

  private async pass(): Promise<SnapshotOutcome[]> {
    const queue = (await this.environments.all()).filter((e) => DOCKER_ENVIRONMENT_TYPES.includes(e.type));
    const { concurrency, timeoutMs } = await this.limits();
    const outcomes: SnapshotOutcome[] = [];
    const worker = async () => {
      for (let env = queue.shift(); env; env = queue.shift())
        outcomes.push(await this.snapshotOne(env, timeoutMs));
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return outcomes.sort((a, b) => a.environmentId - b.environmentId);
  }

  private async schedule(): Promise<void> {
    const interval = parseDuration((await this.settings.get()).SnapshotInterval) ?? 300_000;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      void this.snapshotAll().catch((e: unknown) =>
        this.logger.write('error', 'snapshot pass failed', { error: String(e) }),
      );
    }, interval);
    this.timer.unref();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
