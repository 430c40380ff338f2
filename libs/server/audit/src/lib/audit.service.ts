import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, LessThan, Repository, SelectQueryBuilder } from 'typeorm';
import type { AuthLogResult } from '@capstan/contracts-api';
import { AUDIT_DATA_SOURCE, CapstanLogger, ClockPort, currentRequestId } from '@capstan/server-core';
import { SettingsService } from '@capstan/server-settings';
import type { ActivityLogResponse, AuditLogQuery, AuthLogQuery, AuthLogResponse } from './dto/audit.dto';
import { ActivityLogEntity } from './entities/activity-log.entity';
import { AuthLogEntity } from './entities/auth-log.entity';

export interface AuthEvent {
  username: string;
  userId?: number | null;
  context: string;
  origin: string;
  type: AuthLogResult;
  reason?: string;
}

export interface ActivityEvent {
  userId: number | null;
  username: string;
  method: string;
  path: string;
  environmentId: number | null;
  status: number;
  payload: string;
  /** What happened, in words (`describeActivity`); '' when unknown. */
  description: string;
}

const DAY_MS = 86_400_000;
const RETENTION_SWEEP_MS = 3_600_000;
const EXPORT_BATCH = 1000;

/** The audit facade: writes the authentication and activity logs, reads them back with filters. */
@Injectable()
export class AuditService implements OnModuleInit, OnApplicationShutdown {
  private sweeper: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    @InjectRepository(AuthLogEntity, AUDIT_DATA_SOURCE) private readonly authLogs: Repository<AuthLogEntity>,
    @InjectRepository(ActivityLogEntity, AUDIT_DATA_SOURCE)
    private readonly activityLogs: Repository<ActivityLogEntity>,
    private readonly settings: SettingsService,
    private readonly clock: ClockPort,
    private readonly logger: CapstanLogger,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.applyRetention(), RETENTION_SWEEP_MS);
    this.sweeper.unref();
    void this.applyRetention();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.allSettled([...this.pending]);
  }

  async recordAuth(event: AuthEvent): Promise<void> {
    await this.authLogs.insert({
      timestamp: this.clock.now(),
      username: event.username.slice(0, 255),
      userId: event.userId ?? null,
      context: event.context,
      origin: event.origin.slice(0, 64),
      type: event.type,
      reason: (event.reason ?? '').slice(0, 255),
      requestId: currentRequestId() ?? '',
    });
  }

  /** Activity is written after the response went out; failures are logged, never surfaced to the caller. */
  recordActivity(event: ActivityEvent, requestId: string): void {
    const write = this.activityLogs
      .insert({ ...event, timestamp: this.clock.now(), path: event.path.slice(0, 2048), requestId })
      .catch((e: unknown) =>
        this.logger.write('error', 'could not write the activity log', { error: String(e) }),
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for queued activity writes (tests and shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  async listAuthLogs(q: AuthLogQuery): Promise<{ logs: AuthLogResponse[]; totalCount: number }> {
    const qb = this.authQuery(q);
    const [rows, totalCount] = await qb
      .skip(q.offset ?? 0)
      .take(q.limit ?? 50)
      .getManyAndCount();
    return { logs: rows.map(toAuthLog), totalCount };
  }

  async listActivityLogs(q: AuditLogQuery): Promise<{ logs: ActivityLogResponse[]; totalCount: number }> {
    const [rows, totalCount] = await this.activityQuery(q)
      .skip(q.offset ?? 0)
      .take(q.limit ?? 50)
      .getManyAndCount();
    return { logs: rows.map(toActivityLog), totalCount };
  }

  async *exportAuthLogs(q: AuthLogQuery): AsyncGenerator<AuthLogResponse[]> {
    yield* batches(this.authQuery(q), toAuthLog);
  }

  async *exportActivityLogs(q: AuditLogQuery): AsyncGenerator<ActivityLogResponse[]> {
    yield* batches(this.activityQuery(q), toActivityLog);
  }

  async applyRetention(): Promise<void> {
    try {
      const days = (await this.settings.get()).AuditLogRetentionDays;
      const cutoff = this.clock.now() - days * DAY_MS;
      await this.authLogs.delete({ timestamp: LessThan(cutoff) });
      await this.activityLogs.delete({ timestamp: LessThan(cutoff) });
    } catch (e) {
      this.logger.write('warn', 'audit retention sweep failed', { error: String(e) });
    }
  }

  private authQuery(q: AuthLogQuery): SelectQueryBuilder<AuthLogEntity> {
    const qb = this.authLogs.createQueryBuilder('l');
    applyCommonFilters(qb, q, ['l.username', 'l.origin', 'l.context']);
    if (q.type) qb.andWhere('l.type = :type', { type: q.type });
    return qb.orderBy('l.timestamp', 'DESC').addOrderBy('l.id', 'DESC');
  }

  private activityQuery(q: AuditLogQuery): SelectQueryBuilder<ActivityLogEntity> {
    const qb = this.activityLogs.createQueryBuilder('l');
    applyCommonFilters(qb, q, ['l.username', 'l.path', 'l.payload', 'l.method', 'l.description']);
    return qb.orderBy('l.timestamp', 'DESC').addOrderBy('l.id', 'DESC');
  }
}

function applyCommonFilters<T extends object>(
  qb: SelectQueryBuilder<T>,
  q: AuditLogQuery,
  searchable: string[],
): void {
  if (q.after !== undefined) qb.andWhere('l.timestamp >= :after', { after: q.after * 1000 });
  if (q.before !== undefined) qb.andWhere('l.timestamp < :before', { before: q.before * 1000 });
  if (q.username) qb.andWhere('LOWER(l.username) = :username', { username: q.username.toLowerCase() });
  if (q.keyword) {
    const pattern = `%${q.keyword.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    qb.andWhere(
      new Brackets((w) => {
        for (const col of searchable) w.orWhere(`LOWER(${col}) LIKE :kw ESCAPE '\\'`, { kw: pattern });
      }),
    );
  }
}

async function* batches<E extends object, R>(
  qb: SelectQueryBuilder<E>,
  map: (e: E) => R,
): AsyncGenerator<R[]> {
  for (let offset = 0; ; offset += EXPORT_BATCH) {
    const rows = await qb.clone().skip(offset).take(EXPORT_BATCH).getMany();
    if (rows.length > 0) yield rows.map(map);
    if (rows.length < EXPORT_BATCH) return;
  }
}

function toAuthLog(e: AuthLogEntity): AuthLogResponse {
  return {
    id: e.id,
    timestamp: Math.floor(e.timestamp / 1000),
    username: e.username,
    context: e.context,
    origin: e.origin,
    type: e.type,
    reason: e.reason,
  };
}

function toActivityLog(e: ActivityLogEntity): ActivityLogResponse {
  return {
    id: e.id,
    timestamp: Math.floor(e.timestamp / 1000),
    username: e.username,
    userId: e.userId,
    method: e.method,
    path: e.path,
    environmentId: e.environmentId,
    status: e.status,
    payload: e.payload,
    description: e.description,
    requestId: e.requestId,
  };
}
