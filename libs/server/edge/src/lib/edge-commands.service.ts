import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, MoreThan, Repository } from 'typeorm';
import {
  EDGE_COMMAND_TYPES,
  type EdgeAsyncCommand,
  type EdgeAsyncSnapshot,
  type EdgeCommandOp,
  type EdgeCommandType,
} from '@capstan/contracts-agent';
import {

  BadRequestError,
  ClockPort,
  ConflictError,
  SecretBox,
  UnitOfWork,
  type Transaction,
} from '@capstan/server-core';
import { EdgeCommandEntity, type EdgeCommandStatus } from './entities/edge-command.entity';

/** A queued command as other modules and the portal see it (the value, which may hold secrets, is left out). */
export interface EdgeCommandView {
  readonly id: number;
  readonly environmentId: number;
  readonly type: EdgeCommandType;
  readonly operation: EdgeCommandOp;
  readonly summary: string;
  readonly status: EdgeCommandStatus;
  readonly error: string | null;
  /** Unix ms. */
  readonly timestamp: number;
  readonly createdBy: number | null;
  readonly createdAt: number;
  readonly sentAt: number | null;
  readonly doneAt: number | null;
}

/** The parts of an async snapshot that belong to other modules (agent protocol §5.10). */
export type AgentReport = Pick<
  EdgeAsyncSnapshot,
  'stackLogs' | 'stackStatusArray' | 'jobsStatus' | 'edgeConfigStates'
>;

export interface EnqueueOptions {
  /** JSON-patch-like operation of the command (Portainer: add, replace, remove); default `add`. */
  readonly operation?: EdgeCommandOp;
  /** Portainer's `path` field (informative), e.g. `/edgestacks/3`. */
  readonly path?: string;
  /** What it does, readable, without secrets: "stop container web". */
  readonly summary?: string;
  /** Who asked (user id), for the portal and the audit. */
  readonly userId?: number;
  /** Enqueue inside the caller's unit of work (e.g. with the edge stack row that needs it). */
  readonly tx?: Transaction;
}

/** Commands waiting (pending or sent) per environment before new ones are refused. */
const MAX_OPEN_COMMANDS = 1_000;
/** Commands handed to the agent in one answer; the rest follow on the next command tick. */
const MAX_DELIVERED = 100;
/** Settled commands are kept this long for the portal, then dropped. */
const KEEP_SETTLED_MS = 7 * 24 * 3_600_000;

/**
 * The command queue of async edge environments (agent protocol §5.10): **the facade other modules use** — the
 * Docker proxy's queued actions, edge stacks, edge jobs.
 *
 * `enqueue(environmentId, type, value)` stores a command with a timestamp unique and increasing per environment;
 * the agent gets every command newer than the `commandTimestamp` it sends on its command tick (in order) and, by
 * sending a later `commandTimestamp`, confirms everything up to it. A Capstan agent also reports failures
 * (`commandErrors`); a Portainer agent only confirms. `onSettled` tells listeners when a command is confirmed or
 * failed.
 */
@Injectable()
export class EdgeCommands {
  private readonly listeners: ((command: EdgeCommandView) => void)[] = [];
  private readonly reporters: ((environmentId: number, report: AgentReport) => void)[] = [];

  constructor(
    @InjectRepository(EdgeCommandEntity) private readonly commands: Repository<EdgeCommandEntity>,
    private readonly uow: UnitOfWork,
    private readonly box: SecretBox,
    private readonly clock: ClockPort,
  ) {}

  async enqueue(
    environmentId: number,
    type: EdgeCommandType,
    value: unknown,
    options: EnqueueOptions = {},
  ): Promise<EdgeCommandView> {
    if (!(EDGE_COMMAND_TYPES as readonly string[]).includes(type))
      throw new BadRequestError('Invalid edge command', `Unknown command type ${String(type)}`);
    const sealed = this.box.seal(JSON.stringify(value ?? null));
    const work = async (tx: Transaction): Promise<EdgeCommandEntity> => {
      const open = await tx.count(EdgeCommandEntity, {
        where: { environmentId, status: In(['pending', 'sent']) },
      });
      if (open >= MAX_OPEN_COMMANDS)
        throw new ConflictError(
          'Too many edge commands waiting',
          `Environment ${environmentId} has ${open} commands its agent has not confirmed yet`,
        );
      const last = await tx.findOne(EdgeCommandEntity, {
        where: { environmentId },
        order: { timestamp: 'DESC' },
        select: { id: true, timestamp: true },
      });
      const now = this.clock.now();
      return tx.save(
        EdgeCommandEntity,
        tx.create(EdgeCommandEntity, {
          environmentId,
          type,
          operation: options.operation ?? 'add',
          path: (options.path ?? '').slice(0, 512),
          valueSealed: sealed,
          summary: (options.summary ?? `${type} ${options.operation ?? 'add'}`).slice(0, 512),
          timestamp: Math.max(now, (last?.timestamp ?? 0) + 1),
          status: 'pending',
          error: null,
          createdBy: options.userId ?? null,
          createdAt: now,
          sentAt: null,
          doneAt: null,
        }),
      );
    };
    const saved = options.tx ? await work(options.tx) : await this.uow.run(work);
    return toView(saved);
  }

  /**
   * What async agents report besides snapshots (edge stack statuses, job logs, stack logs, edge config states):
   * the edge stacks and jobs modules listen here. Listeners must not throw; they run after the answer is decided.
   */
  onAgentReport(listener: (environmentId: number, report: AgentReport) => void): void {
    this.reporters.push(listener);
  }

  /** The async endpoint hands each request's reports here. */
  report(environmentId: number, report: AgentReport): void {
    for (const l of this.reporters) l(environmentId, report);
  }

  /** Called when a command is confirmed or failed (edge stacks and jobs follow their commands here). */
  onSettled(listener: (command: EdgeCommandView) => void): void {
    this.listeners.push(listener);
  }

  async get(id: number): Promise<EdgeCommandView | undefined> {
    const row = await this.commands.findOneBy({ id });
    return row ? toView(row) : undefined;
  }

  /** An environment's commands, newest first (`open`: only those the agent has not confirmed). */
  async list(environmentId: number, options: { open?: boolean; limit?: number } = {}): Promise<EdgeCommandView[]> {
    const rows = await this.commands.find({
      where: { environmentId, ...(options.open ? { status: In(['pending', 'sent']) } : {}) },
      order: { timestamp: 'DESC' },
      take: Math.min(options.limit ?? 200, 1000),
    });
    return rows.map(toView);
  }

  /**
   * The command tick of an agent: confirms what it processed (timestamp ≤ `processedUpTo`, minus what it reports
   * failed), and hands it the next commands in order (marked sent).
   */
  async exchange(
    environmentId: number,
    processedUpTo: number,
    errors: ReadonlyMap<number, string>,
  ): Promise<EdgeAsyncCommand[]> {
    const now = this.clock.now();
    const { settled, next } = await this.uow.run(async (tx) => {
      const done = await tx.find(EdgeCommandEntity, {
        where: {
          environmentId,
          status: In(['pending', 'sent']),
          timestamp: LessThanOrEqual(processedUpTo),
        },
      });
      for (const row of done) {
        const error = errors.get(row.id);
        row.status = error === undefined ? 'confirmed' : 'failed';
        row.error = error === undefined ? null : error.slice(0, 4000);
        row.doneAt = now;
      }
      if (done.length > 0) await tx.save(EdgeCommandEntity, done);
      const pending = await tx.find(EdgeCommandEntity, {
        where: { environmentId, status: In(['pending', 'sent']), timestamp: MoreThan(processedUpTo) },
        order: { timestamp: 'ASC' },
        take: MAX_DELIVERED,
      });
      const unsent = pending.filter((r) => r.status === 'pending');
      if (unsent.length > 0)
        await tx.update(
          EdgeCommandEntity,
          { id: In(unsent.map((r) => r.id)) },
          { status: 'sent', sentAt: now },
        );
      return { settled: done, next: pending };
    });
    for (const row of settled) for (const l of this.listeners) l(toView(row));
    if (settled.length > 0) void this.prune(environmentId, now);
    return next.map((r) => ({
      id: r.id,
      type: r.type as EdgeCommandType,
      endpointID: environmentId,
      timestamp: new Date(r.timestamp).toISOString(),
      op: r.operation as EdgeCommandOp,
      path: r.path,
      value: JSON.parse(this.box.open(r.valueSealed)) as unknown,
    }));
  }

  private async prune(environmentId: number, now: number): Promise<void> {
    await this.commands
      .createQueryBuilder()
      .delete()
      .from(EdgeCommandEntity)
      .where("environment_id = :environmentId AND status IN ('confirmed', 'failed') AND done_at < :before", {
        environmentId,
        before: now - KEEP_SETTLED_MS,
      })
      .execute()
      .catch(() => undefined);
  }

  /** Drops an environment's queue (it left async mode, or was reset). */
  async clear(environmentId: number): Promise<void> {
    await this.commands.delete({ environmentId });
  }

  /** For tests and the bench only: how many commands wait. */
  async openCount(environmentId: number): Promise<number> {
    return this.commands.count({ where: { environmentId, status: In(['pending', 'sent']) } });
  }
}


function toView(r: EdgeCommandEntity): EdgeCommandView {
  return {
    id: r.id,
    environmentId: r.environmentId,
    type: r.type as EdgeCommandType,
    operation: r.operation as EdgeCommandOp,
    summary: r.summary,
    status: r.status,
    error: r.error,
    timestamp: r.timestamp,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
    doneAt: r.doneAt,
  };
}
