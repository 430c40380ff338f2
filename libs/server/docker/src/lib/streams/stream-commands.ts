import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Min, ValidateIf } from 'class-validator';
import { QueryValue } from '@capstan/server-core';
import { ContainerCommand, EnvironmentCommand } from '../environment-command';

export const ENGINE_EVENT_TYPES = [
  'container',
  'image',
  'volume',
  'network',
  'daemon',
  'plugin',
  'node',
  'service',
  'secret',
  'config',
  'builder',
] as const;
export type EngineEventType = (typeof ENGINE_EVENT_TYPES)[number];

const UNIX_TIME = /^\d{1,12}(\.\d{1,9})?$/;
const unixTimeMessage = (name: string) => `${name} must be a Unix time in seconds`;

/** `/api/websocket/logs`: the logs of one container. */
export class LogsCommand extends ContainerCommand {
  @Transform(QueryValue.boolean(false))
  @IsBoolean({ message: 'follow must be true, false, 1 or 0' })
  follow = false;

  /** A number of lines, or 'all' (Docker's default). */
  @Transform(({ value }: { value: unknown }) =>
    value === undefined || value === '' || value === 'all'
      ? 'all'
      : typeof value === 'string' && /^\d{1,9}$/.test(value)
        ? Number(value)
        : value,
  )
  @ValidateIf((c: LogsCommand) => c.tail !== 'all')
  @IsInt({ message: "tail must be a non-negative integer or 'all'" })
  @Min(0, { message: "tail must be a non-negative integer or 'all'" })
  tail: number | 'all' = 'all';

  @Transform(QueryValue.boolean(false))
  @IsBoolean({ message: 'timestamps must be true, false, 1 or 0' })
  timestamps = false;

  /** Unix seconds (fractions allowed, as Docker accepts them). */
  @Transform(QueryValue.optional)
  @IsOptional()
  @Matches(UNIX_TIME, { message: unixTimeMessage('since') })
  since?: string;
}

/** `/api/websocket/stats`: the stats of one container. */
export class StatsCommand extends ContainerCommand {}

/** `/api/websocket/events`: the environment's events, of some types (`type=container,image`) or all. */
export class EventsCommand extends EnvironmentCommand {
  @Transform(({ value }: { value: unknown }) =>
    value === undefined || value === ''
      ? []
      : typeof value === 'string'
        ? [...new Set(value.split(',').map((t) => t.trim()))]
        : value,
  )
  @IsIn(ENGINE_EVENT_TYPES, {
    each: true,
    message: ({ value }) =>
      `type must be one or more (comma-separated) of ${ENGINE_EVENT_TYPES.join(', ')}; got ${unknownTypes(value).join(', ').slice(0, 100)}`,
  })
  type: EngineEventType[] = [];

  @Transform(QueryValue.optional)
  @IsOptional()
  @Matches(UNIX_TIME, { message: unixTimeMessage('since') })
  since?: string;

  get types(): EngineEventType[] {
    return this.type;
  }
}

function unknownTypes(value: unknown): string[] {
  const all = Array.isArray(value) ? value : [value];
  return all.map(String).filter((t) => !(ENGINE_EVENT_TYPES as readonly string[]).includes(t));
}

/** The engine path for a logs query: both streams always, the rest as asked. */
export function logsPath(q: Pick<LogsCommand, 'id' | 'follow' | 'tail' | 'timestamps' | 'since'>): string {
  const search = new URLSearchParams({
    stdout: '1',
    stderr: '1',
    follow: q.follow ? '1' : '0',
    tail: String(q.tail),
    timestamps: q.timestamps ? '1' : '0',
  });
  if (q.since !== undefined) search.set('since', q.since);
  return `/containers/${encodeURIComponent(q.id)}/logs?${search.toString()}`;
}

export function eventsPath(q: Pick<EventsCommand, 'types' | 'since'>): string {
  const search = new URLSearchParams();
  if (q.types.length > 0) search.set('filters', JSON.stringify({ type: q.types }));
  if (q.since !== undefined) search.set('since', q.since);
  const s = search.toString();
  return s ? `/events?${s}` : '/events';
}
