import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Not, type Repository } from 'typeorm';
import { Cron } from 'croner';
import type { EdgeSchedule } from '@capstan/contracts-agent';
import { parseEdgeCron, parseRunOnce } from '@capstan/contracts-api';
import {
  BadRequestError,
  CapstanLogger,
  ClockPort,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnitOfWork,
  type AuthenticatedUser,
} from '@capstan/server-core';
import { EnvironmentsService } from '@capstan/server-environments';
import {
  MAX_EDGE_JOB_LOG,
  MAX_EDGE_JOB_SCRIPT,
  type EdgeJobEnvironmentMeta,
  type EdgeJobResponse,
  type EdgeJobTaskResponse,
} from './dto/edge-jobs.dto';
import { EdgeJobAgentsPort, EdgeJobAsyncPort, EdgeJobDeliveryPort } from './edge-job-delivery.port';
import { EdgeJobGroupsPort } from './edge-job-groups.port';
import { EdgeJobLogs } from './edge-job-logs';
import { EdgeJobEntity, EdgeJobEnvironmentEntity, EdgeJobGroupEntity } from './entities/edge-job.entity';

/** Portainer's EdgeJobLogsStatus. */
export const LOGS_IDLE = 1;
export const LOGS_PENDING = 2;
export const LOGS_COLLECTED = 3;

/**
 * A run-once job stays in the poll this long after its moment (judged in the server's time zone): a device's cron
 * reads the moment in the device's own zone, up to 12 hours behind UTC, so the line must still be installed then.
 */
export const RUN_ONCE_GRACE_MS = 14 * 60 * 60_000;
const SWEEP_MS = 60_000;
const NOT_FOUND = 'Unable to find an Edge job with the specified identifier inside the database';

export interface EdgeJobInput {
  name: string;
  cronExpression: string;
  recurring: boolean;
  endpoints: readonly number[];
  edgeGroups: readonly number[];
  script: string;
}

export type EdgeJobChanges = Partial<EdgeJobInput>;

/** `base64` without padding, as the agent decodes the schedule's script (Go's RawStdEncoding). */
function rawBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64').replace(/=+$/, '');
}

function notFound(id: number): NotFoundError {
  return new NotFoundError(NOT_FOUND, `No edge job ${id}`);
}

/**
 * Edge jobs (Portainer's `/api/edge_jobs`): a script on a cron schedule for edge environments, targeted directly
 * or through edge groups, delivered in the poll's `schedules`; logs collected on request.
 */
@Injectable()
export class EdgeJobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweeper?: NodeJS.Timeout;
  private lastSweep = 0;

  constructor(
    @InjectRepository(EdgeJobEntity) private readonly jobs: Repository<EdgeJobEntity>,
    @InjectRepository(EdgeJobEnvironmentEntity)
    private readonly targets: Repository<EdgeJobEnvironmentEntity>,
    @InjectRepository(EdgeJobGroupEntity) private readonly jobGroups: Repository<EdgeJobGroupEntity>,
    private readonly uow: UnitOfWork,
    private readonly environments: EnvironmentsService,
    private readonly groups: EdgeJobGroupsPort,
    private readonly delivery: EdgeJobDeliveryPort,
    private readonly agents: EdgeJobAgentsPort,
    private readonly asyncAgents: EdgeJobAsyncPort,
    private readonly logger: CapstanLogger,
    private readonly logs: EdgeJobLogs,
    private readonly clock: ClockPort,
  ) {}

  onApplicationBootstrap(): void {
    this.delivery.register({ contribute: (id) => this.schedulesFor(id) });
    this.asyncAgents.onJobLogs((environmentId, logs) => {
      for (const l of logs)
        this.storeLogs(environmentId, l.jobId, l.content).catch((e: unknown) =>
          this.logger.write('warn', 'edge job log from an async agent refused', {
            environmentId,
            jobId: l.jobId,
            error: String(e),
          }),
        );
    });
    this.groups.registerUsage(async () => new Set((await this.jobGroups.find()).map((g) => g.groupId)));
    // Group membership decides who runs a job: any change may change some environment's schedules.
    this.groups.onMembershipChange(() => {
      void this.jobGroups.count().then(
        (n) => n > 0 && this.delivery.changed(),
        () => this.delivery.changed(),
      );
    });
    this.lastSweep = this.clock.now();
    this.sweeper = setInterval(() => void this.sweepRunOnce(), SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  // ── Administration ──────────────────────────────────────────────────────────────────────────────────────

  async create(actor: AuthenticatedUser, input: EdgeJobInput): Promise<EdgeJobResponse> {
    const now = this.clock.now();
    const schedule = this.checkSchedule(input.cronExpression, input.recurring, now);
    this.checkScript(input.script);
    const { endpoints, edgeGroups } = await this.checkTargets(input.endpoints, input.edgeGroups);
    const id = await this.uow.run(async (tx) => {
      const saved = await tx.save(
        tx.create(EdgeJobEntity, {
          name: input.name,
          cronExpression: schedule.expression,
          recurring: input.recurring,
          script: input.script,
          version: 1,
          runAt: schedule.runAt,
          createdAt: now,
          createdBy: actor.username,
          updatedAt: 0,
        }),
      );
      if (endpoints.length)
        await tx.insert(
          EdgeJobEnvironmentEntity,
          endpoints.map((environmentId) => ({ jobId: saved.id, environmentId, explicit: true })),
        );
      if (edgeGroups.length)
        await tx.insert(
          EdgeJobGroupEntity,
          edgeGroups.map((groupId) => ({ jobId: saved.id, groupId })),
        );
      return saved.id;
    });
    const targets = await this.targetIds(endpoints, edgeGroups);
    this.delivery.changed(targets);
    await this.sendAsync(targets, [], id);
    return this.inspect(id);
  }

  async list(): Promise<EdgeJobResponse[]> {
    const all = await this.jobs.find({ order: { id: 'ASC' } });
    const ids = all.map((j) => j.id);
    const [envRows, groupRows] = ids.length
      ? await Promise.all([
          this.targets.findBy({ jobId: In(ids) }),
          this.jobGroups.findBy({ jobId: In(ids) }),
        ])
      : [[], []];
    return all.map((j) =>
      this.toResponse(
        j,
        envRows.filter((r) => r.jobId === j.id),
        groupRows.filter((g) => g.jobId === j.id).map((g) => g.groupId),
      ),
    );
  }

  async inspect(id: number): Promise<EdgeJobResponse> {
    const job = await this.get(id);
    const [envRows, groupRows] = await Promise.all([
      this.targets.findBy({ jobId: id }),
      this.jobGroups.findBy({ jobId: id }),
    ]);
    return this.toResponse(
      job,
      envRows,
      groupRows.map((g) => g.groupId),
    );
  }

  async file(id: number): Promise<{ FileContent: string }> {
    return { FileContent: (await this.get(id)).script };
  }

  async update(id: number, changes: EdgeJobChanges): Promise<EdgeJobResponse> {
    const job = await this.get(id);
    const before = await this.targetsOf(id);
    const recurring = changes.recurring ?? job.recurring;
    const cron = changes.cronExpression ?? job.cronExpression;
    const scheduleChanged = changes.cronExpression !== undefined || changes.recurring !== undefined;
    const now = this.clock.now();
    const schedule = scheduleChanged
      ? this.checkSchedule(cron, recurring, now)
      : { expression: job.cronExpression, runAt: job.runAt };
    if (changes.script !== undefined) this.checkScript(changes.script);
    const checked =
      changes.endpoints !== undefined || changes.edgeGroups !== undefined
        ? await this.checkTargets(
            changes.endpoints ?? before.endpoints,
            changes.edgeGroups ?? before.edgeGroups,
          )
        : undefined;
    const bump =
      (changes.script !== undefined && changes.script !== job.script) ||
      schedule.expression !== job.cronExpression ||
      recurring !== job.recurring ||
      schedule.runAt !== job.runAt;
    await this.uow.run(async (tx) => {
      await tx.update(
        EdgeJobEntity,
        { id },
        {
          name: changes.name ?? job.name,
          cronExpression: schedule.expression,
          recurring,
          runAt: schedule.runAt,
          script: changes.script ?? job.script,
          // Incremented in SQL: two concurrent updates give two versions, so agents never miss the second.
          ...(bump ? { version: () => 'version + 1' } : {}),
          updatedAt: now,
        },
      );
      if (checked) {
        // Explicit targets are replaced; log state of environments that stay is kept.
        await tx.delete(EdgeJobEnvironmentEntity, {
          jobId: id,
          explicit: true,
          ...(checked.endpoints.length ? { environmentId: notIn(checked.endpoints) } : {}),
        });
        const rows = await tx.findBy(EdgeJobEnvironmentEntity, { jobId: id });
        for (const environmentId of checked.endpoints) {
          const row = rows.find((r) => r.environmentId === environmentId);
          if (!row) await tx.insert(EdgeJobEnvironmentEntity, { jobId: id, environmentId, explicit: true });
          else if (!row.explicit)
            await tx.update(EdgeJobEnvironmentEntity, { jobId: id, environmentId }, { explicit: true });
        }
        await tx.delete(EdgeJobGroupEntity, { jobId: id });
        if (checked.edgeGroups.length)
          await tx.insert(
            EdgeJobGroupEntity,
            checked.edgeGroups.map((groupId) => ({ jobId: id, groupId })),
          );
      }
    });
    const after = checked ?? before;
    const was = await this.targetIds(before.endpoints, before.edgeGroups);
    const nowTargets = await this.targetIds(after.endpoints, after.edgeGroups);
    this.delivery.changed([...new Set([...was, ...nowTargets])]);
    await this.sendAsync(nowTargets, was, id);
    return this.inspect(id);
  }

  async delete(id: number): Promise<void> {
    await this.get(id);
    const before = await this.targetsOf(id);
    const affected = await this.targetIds(before.endpoints, before.edgeGroups);
    const removed = await this.get(id);
    await this.uow.run(async (tx) => {
      await tx.delete(EdgeJobGroupEntity, { jobId: id });
      await tx.delete(EdgeJobEnvironmentEntity, { jobId: id });
      await tx.delete(EdgeJobEntity, { id });
    });
    await this.logs.removeJob(id);
    this.delivery.changed(affected);
    for (const env of affected.filter((e) => this.asyncAgents.isAsync(e)))
      await this.command(env, 'remove', removed, false);
  }

  /** One task per target environment (direct or through a group), with its log state. */
  async tasks(id: number): Promise<EdgeJobTaskResponse[]> {
    await this.get(id);
    const rows = await this.targets.findBy({ jobId: id });
    const groupIds = (await this.jobGroups.findBy({ jobId: id })).map((g) => g.groupId);
    const inGroups = new Set(groupIds.length ? await this.groups.environmentIdsOf(groupIds) : []);
    const explicit = new Set(rows.filter((r) => r.explicit).map((r) => r.environmentId));
    const all = [...new Set([...explicit, ...inGroups])].sort((a, b) => a - b);
    return all.map((environmentId) => {
      const row = rows.find((r) => r.environmentId === environmentId);
      return {
        Id: `edgejob_task_${id}_${environmentId}`,
        EndpointId: environmentId,
        LogsStatus: row?.logsStatus ?? LOGS_IDLE,
        Explicit: explicit.has(environmentId),
        LogsDate: Math.floor((row?.logsAt ?? 0) / 1000),
        LogsSize: row?.logsSize ?? 0,
      };
    });
  }

  /** Asks the agent for its log at its next poll (CollectLogs, status pending). */
  async requestLogs(id: number, environmentId: number): Promise<void> {
    await this.get(id);
    const row = await this.targetRow(id, environmentId);
    await this.uow.run(async (tx) => {
      if (row)
        await tx.update(
          EdgeJobEnvironmentEntity,
          { jobId: id, environmentId },
          { collectLogs: true, logsStatus: LOGS_PENDING },
        );
      else
        await tx.insert(EdgeJobEnvironmentEntity, {
          jobId: id,
          environmentId,
          explicit: false,
          collectLogs: true,
          logsStatus: LOGS_PENDING,
        });
    });
    this.delivery.changed([environmentId]);
    if (this.asyncAgents.isAsync(environmentId))
      await this.command(environmentId, 'replace', await this.get(id), true);
  }

  async readLogs(id: number, environmentId: number): Promise<{ FileContent: string }> {
    await this.get(id);
    await this.targetRow(id, environmentId);
    return { FileContent: await this.logs.read(id, environmentId) };
  }

  async clearLogs(id: number, environmentId: number): Promise<void> {
    await this.get(id);
    const row = await this.targetRow(id, environmentId);
    await this.logs.clear(id, environmentId);
    if (row)
      await this.targets.update(
        { jobId: id, environmentId },
        { logsStatus: LOGS_IDLE, collectLogs: false, logsAt: 0, logsSize: 0 },
      );
    this.delivery.changed([environmentId]);
  }

  // ── The agent's side ────────────────────────────────────────────────────────────────────────────────────

  /** `POST /api/endpoints/{id}/edge/jobs/{jobId}/logs` from the edge agent of that environment. */
  async receiveLogs(
    environmentId: number,
    jobId: number,
    agent: { edgeId?: string; secret?: string },
    content: string,
  ): Promise<void> {
    await this.agents.authenticate(environmentId, agent.edgeId, agent.secret);
    await this.storeLogs(environmentId, jobId, content);
  }

  /** A target's log, from its (authenticated) agent: stored, status collected, CollectLogs cleared. */
  private async storeLogs(environmentId: number, jobId: number, content: string): Promise<void> {
    const size = Buffer.byteLength(content, 'utf8');
    if (size > MAX_EDGE_JOB_LOG)
      throw new PayloadTooLargeError('Log too large', `A job log is at most ${MAX_EDGE_JOB_LOG} bytes`);
    const job = await this.jobs.findOneBy({ id: jobId });
    if (!job) throw notFound(jobId);
    const { endpoints, edgeGroups } = await this.targetsOf(jobId);
    if (!(await this.targetIds(endpoints, edgeGroups)).includes(environmentId))
      throw new ForbiddenError(
        'The environment is not a target of this Edge job',
        `Edge job ${jobId} does not run on environment ${environmentId}`,
      );
    await this.logs.write(jobId, environmentId, content);
    const now = this.clock.now();
    const state = { logsStatus: LOGS_COLLECTED, collectLogs: false, logsAt: now, logsSize: size };
    await this.uow.run(async (tx) => {
      const row = await tx.findOneBy(EdgeJobEnvironmentEntity, { jobId, environmentId });
      if (row) await tx.update(EdgeJobEnvironmentEntity, { jobId, environmentId }, state);
      else await tx.insert(EdgeJobEnvironmentEntity, { jobId, environmentId, explicit: false, ...state });
    });
    this.delivery.changed([environmentId]);
  }

  /** The poll's `schedules` for one environment: its jobs (direct or through groups) still to run. */
  async schedulesFor(environmentId: number): Promise<{ schedules: EdgeSchedule[] }> {
    const rows = await this.targets.findBy({ environmentId });
    const groupIds = [...(await this.groups.groupIdsOf(environmentId))];
    const viaGroups = groupIds.length
      ? (await this.jobGroups.findBy({ groupId: In(groupIds) })).map((g) => g.jobId)
      : [];
    const ids = [...new Set([...rows.filter((r) => r.explicit).map((r) => r.jobId), ...viaGroups])];
    if (!ids.length) return { schedules: [] };
    const now = this.clock.now();
    const jobs = await this.jobs.find({ where: { id: In(ids) }, order: { id: 'ASC' } });
    return {
      schedules: jobs
        .filter((j) => j.recurring || j.runAt + RUN_ONCE_GRACE_MS > now)
        .map((j) => ({
          Id: j.id,
          CollectLogs: rows.find((r) => r.jobId === j.id)?.collectLogs ?? false,
          CronExpression: j.cronExpression,
          Script: rawBase64(j.script),
          Version: j.version,
        })),
    };
  }

  /** Run-once jobs whose time (plus the grace) passed since the last sweep leave their targets' polls. */
  async sweepRunOnce(): Promise<void> {
    const now = this.clock.now();
    const from = this.lastSweep;
    this.lastSweep = now;
    const expired = (await this.jobs.findBy({ recurring: false })).filter(
      (j) => j.runAt + RUN_ONCE_GRACE_MS > from && j.runAt + RUN_ONCE_GRACE_MS <= now,
    );
    for (const j of expired) {
      const t = await this.targetsOf(j.id);
      this.delivery.changed(await this.targetIds(t.endpoints, t.edgeGroups));
    }
  }

  /**
   * Async agents get jobs as `edgeJob` commands (they do not poll): `add`/`replace` to the targets now, `remove` to
   * those that left. A queue refusal (too many commands waiting) is logged; the job itself is saved.
   */
  private async sendAsync(now: readonly number[], before: readonly number[], id: number): Promise<void> {
    const current = new Set(now);
    const asyncNow = now.filter((e) => this.asyncAgents.isAsync(e));
    const asyncGone = before.filter((e) => !current.has(e) && this.asyncAgents.isAsync(e));
    if (!asyncNow.length && !asyncGone.length) return;
    const job = await this.get(id);
    const rows = await this.targets.findBy({ jobId: id });
    for (const env of asyncNow)
      await this.command(
        env,
        before.includes(env) ? 'replace' : 'add',
        job,
        rows.find((r) => r.environmentId === env)?.collectLogs ?? false,
      );
    for (const env of asyncGone) await this.command(env, 'remove', job, false);
  }

  private async command(
    environmentId: number,
    op: 'add' | 'replace' | 'remove',
    job: EdgeJobEntity,
    collectLogs: boolean,
  ): Promise<void> {
    const verb = op === 'remove' ? 'remove' : collectLogs ? 'collect the log of' : 'install';
    try {
      await this.asyncAgents.send(
        environmentId,
        op,
        {
          ID: job.id,
          CollectLogs: collectLogs,
          LogsStatus: collectLogs ? LOGS_PENDING : LOGS_IDLE,
          CronExpression: job.cronExpression,
          ScriptFileContent: rawBase64(job.script),
          Version: job.version,
        },
        `${verb} edge job ${job.name}`,
      );
    } catch (e) {
      this.logger.write('warn', 'edge job command not queued', {
        environmentId,
        jobId: job.id,
        error: String(e),
      });
    }
  }

  // ── Rules ───────────────────────────────────────────────────────────────────────────────────────────────

  private checkSchedule(
    cron: string,
    recurring: boolean,
    now: number,
  ): { expression: string; runAt: number } {
    const parsed = recurring ? parseEdgeCron(cron, new Date(now)) : parseRunOnce(cron, new Date(now));
    if (!parsed.ok) throw new BadRequestError('Invalid cron expression', parsed.error);
    return { expression: parsed.expression, runAt: recurring ? 0 : parsed.next.getTime() };
  }

  private checkScript(script: string): void {
    if (script.trim() === '') throw new BadRequestError('Invalid script file content', 'The script is empty');
    if (Buffer.byteLength(script, 'utf8') > MAX_EDGE_JOB_SCRIPT)
      throw new PayloadTooLargeError(
        'Script too large',
        `An edge job script is at most ${MAX_EDGE_JOB_SCRIPT} bytes`,
      );
  }

  private async checkTargets(
    endpointIds: readonly number[],
    groupIds: readonly number[],
  ): Promise<{ endpoints: number[]; edgeGroups: number[] }> {
    const endpoints = [...new Set(endpointIds)].sort((a, b) => a - b);
    const edgeGroups = [...new Set(groupIds)].sort((a, b) => a - b);
    if (!endpoints.length && !edgeGroups.length)
      throw new BadRequestError(
        'Invalid targets',
        'An Edge job needs at least one edge environment (Endpoints) or edge group (EdgeGroups)',
      );
    const unknown: number[] = [];
    const notEdge: number[] = [];
    for (const id of endpoints) {
      if (await this.environments.edgeState(id)) continue;
      ((await this.environments.exists(id)) ? notEdge : unknown).push(id);
    }
    if (unknown.length)
      throw new BadRequestError('Invalid targets', `Unknown environment(s): ${unknown.join(', ')}`);
    if (notEdge.length)
      throw new BadRequestError(
        'Invalid targets',
        `Not edge environments (edge jobs run on edge agents only): ${notEdge.join(', ')}`,
      );
    if (edgeGroups.length) await this.groups.check(edgeGroups);
    return { endpoints, edgeGroups };
  }

  private async get(id: number): Promise<EdgeJobEntity> {
    const job = await this.jobs.findOneBy({ id });
    if (!job) throw notFound(id);
    return job;
  }

  private async targetsOf(id: number): Promise<{ endpoints: number[]; edgeGroups: number[] }> {
    const [rows, groups] = await Promise.all([
      this.targets.findBy({ jobId: id, explicit: true }),
      this.jobGroups.findBy({ jobId: id }),
    ]);
    return { endpoints: rows.map((r) => r.environmentId), edgeGroups: groups.map((g) => g.groupId) };
  }

  private async targetIds(endpoints: readonly number[], edgeGroups: readonly number[]): Promise<number[]> {
    const fromGroups = edgeGroups.length ? await this.groups.environmentIdsOf(edgeGroups) : [];
    return [...new Set([...endpoints, ...fromGroups])];
  }

  /** The job's row for a target environment (undefined for a group member never asked); 404 for others. */
  private async targetRow(id: number, environmentId: number): Promise<EdgeJobEnvironmentEntity | undefined> {
    const row = (await this.targets.findOneBy({ jobId: id, environmentId })) ?? undefined;
    if (row?.explicit) return row;
    const { endpoints, edgeGroups } = await this.targetsOf(id);
    if (!(await this.targetIds(endpoints, edgeGroups)).includes(environmentId))
      throw new NotFoundError(
        'Unable to find the task',
        `Environment ${environmentId} is not a target of edge job ${id}`,
      );
    return row;
  }

  private toResponse(
    job: EdgeJobEntity,
    envRows: readonly EdgeJobEnvironmentEntity[],
    edgeGroups: readonly number[],
  ): EdgeJobResponse {
    const meta = (r: EdgeJobEnvironmentEntity): EdgeJobEnvironmentMeta => ({
      LogsStatus: r.logsStatus,
      CollectLogs: r.collectLogs,
    });
    const next = this.nextRun(job);
    return {
      Id: job.id,
      Name: job.name,
      CronExpression: job.cronExpression,
      Recurring: job.recurring,
      Created: Math.floor(job.createdAt / 1000),
      ScriptPath: `edge_jobs/${job.id}/schedule_${job.id}`,
      Version: job.version,
      Endpoints: Object.fromEntries(
        envRows.filter((r) => r.explicit).map((r) => [String(r.environmentId), meta(r)]),
      ),
      EdgeGroups: [...edgeGroups].sort((a, b) => a - b),
      GroupLogsCollection: Object.fromEntries(
        envRows.filter((r) => !r.explicit).map((r) => [String(r.environmentId), meta(r)]),
      ),
      ...(next ? { NextRun: next } : {}),
    };
  }

  private nextRun(job: EdgeJobEntity): number | undefined {
    const now = this.clock.now();
    if (!job.recurring) return job.runAt > now ? Math.floor(job.runAt / 1000) : undefined;
    try {
      const next = new Cron(job.cronExpression, { paused: true, timezone: 'UTC' }).nextRun(new Date(now));
      return next ? Math.floor(next.getTime() / 1000) : undefined;
    } catch {
      return undefined;
    }
  }
}

function notIn(ids: readonly number[]) {
  return Not(In([...ids]));
}
