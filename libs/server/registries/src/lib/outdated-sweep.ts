import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Cron } from 'croner';
import { EnvironmentType } from '@capstan/contracts-api';
import { ClockPort } from '@capstan/server-core';
import { EnvironmentsService } from '@capstan/server-environments';
import { EnvironmentUpdates } from './environment-updates';

type EnvironmentEntityOf = Awaited<ReturnType<EnvironmentsService['all']>>[number];

/** Every day at 04:17 (server time): off the hour, when little else runs. */
export const SWEEP_SCHEDULE = '17 4 * * *';
/** Environments checked at once; the registry side is bounded by the checker. */
const ENVIRONMENTS_AT_ONCE = 4;
const DOCKER_TYPES: readonly EnvironmentType[] = [EnvironmentType.Docker, EnvironmentType.Agent];

export interface EnvironmentOutdated {
  EnvironmentId: number;
  EnvironmentName: string;
  /** Seconds since the epoch. */
  CheckedAt: number;
  Containers: number;
  Outdated: { Id: string; Name: string; Image: string }[];
  /** Why the environment could not be checked (unreachable engine…). */
  Error?: string;
}

export interface OutdatedSummary {
  /** When the last pass ended (seconds; 0: never). */
  CheckedAt: number;
  /** Out-of-date containers across every environment checked. */
  Outdated: number;
  Running: boolean;
  Environments: EnvironmentOutdated[];
}

/**
 * Beyond Portainer: a daily pass over every Docker environment recording which containers run an image older than
 * the registry's (results in memory: they are cheap to compute again and stale after a day anyway). One pass at
 * a time; asking while one runs joins it.
 */
@Injectable()
export class OutdatedSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private results = new Map<number, EnvironmentOutdated>();
  private checkedAt = 0;
  private running: Promise<void> | undefined;
  private job: Cron | undefined;

  constructor(
    private readonly environments: EnvironmentsService,
    private readonly updates: EnvironmentUpdates,
    private readonly clock: ClockPort,
  ) {}

  onApplicationBootstrap(): void {
    this.job = new Cron(SWEEP_SCHEDULE, { protect: true, unref: true }, () => this.sweep());
  }

  onModuleDestroy(): void {
    this.job?.stop();
  }

  summary(): OutdatedSummary {
    const environments = [...this.results.values()].sort((a, b) => a.EnvironmentId - b.EnvironmentId);
    return {
      CheckedAt: this.checkedAt,
      Outdated: environments.reduce((n, e) => n + e.Outdated.length, 0),
      Running: this.running !== undefined,
      Environments: environments,
    };
  }

  /** One pass (or the one in progress). */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const envs = (await this.environments.all()).filter((e) => DOCKER_TYPES.includes(e.type));
    const next = new Map<number, EnvironmentOutdated>();
    let index = 0;
    const worker = async () => {
      while (index < envs.length) {
        const env = envs[index++];
        if (env) next.set(env.id, await this.check(env));
      }
    };
    await Promise.all(Array.from({ length: ENVIRONMENTS_AT_ONCE }, worker));
    this.results = next;
    this.checkedAt = Math.floor(this.clock.now() / 1000);
  }

  private async check(env: EnvironmentEntityOf): Promise<EnvironmentOutdated> {
    const base = {
      EnvironmentId: env.id,
      EnvironmentName: env.name,
      CheckedAt: Math.floor(this.clock.now() / 1000),
    };
    try {
      const { containers, statuses } = await this.updates.containers(env);
      return {
        ...base,
        Containers: containers.length,
        Outdated: containers
          .filter((c) => statuses[c.Id]?.Status === 'outdated')
          .map((c) => ({ Id: c.Id, Name: (c.Names?.[0] ?? '').replace(/^\//, ''), Image: c.Image })),
      };
    } catch (e) {
      return { ...base, Containers: 0, Outdated: [], Error: e instanceof Error ? e.message : String(e) };
    }
  }
}
