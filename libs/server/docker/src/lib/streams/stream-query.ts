import { BadRequestError } from '@capstan/server-core';

export interface LogsQuery {
  endpointId: number;
  id: string;
  follow: boolean;
  /** A number of lines, or 'all' (Docker's default). */
  tail: number | 'all';
  timestamps: boolean;
  /** Unix seconds (fractions allowed, as Docker accepts them). */
  since: string | undefined;
}

export interface StatsQuery {
  endpointId: number;
  id: string;
}

export interface EventsQuery {
  endpointId: number;
  types: EngineEventType[];
  since: string | undefined;
}

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

/** Container names or ids, as the proxy's console routes accept them. */
const CONTAINER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const UNIX_TIME = /^\d{1,12}(\.\d{1,9})?$/;
const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/** Reads the query parameters one by one and reports every problem at once. */
class QueryReader {
  private readonly problems: string[] = [];

  constructor(private readonly params: URLSearchParams) {}

  endpointId(): number {
    const raw = this.params.get('endpointId');
    const n = Number(raw);
    if (raw === null || !/^\d{1,10}$/.test(raw) || n < 1) {
      this.problems.push('endpointId must be a positive integer');
      return 0;
    }
    return n;
  }

  containerId(): string {
    const raw = this.params.get('id') ?? '';
    if (!CONTAINER_ID.test(raw)) this.problems.push('id must be a container id or name');
    return raw;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.params.get(name);
    if (raw === null || raw === '') return fallback;
    if (TRUE.has(raw)) return true;
    if (FALSE.has(raw)) return false;
    this.problems.push(`${name} must be true, false, 1 or 0`);
    return fallback;
  }

  tail(): number | 'all' {
    const raw = this.params.get('tail');
    if (raw === null || raw === '' || raw === 'all') return 'all';
    if (!/^\d{1,9}$/.test(raw)) {
      this.problems.push("tail must be a non-negative integer or 'all'");
      return 'all';
    }
    return Number(raw);
  }

  unixTime(name: string): string | undefined {
    const raw = this.params.get(name);
    if (raw === null || raw === '') return undefined;
    if (!UNIX_TIME.test(raw)) {
      this.problems.push(`${name} must be a Unix time in seconds`);
      return undefined;
    }
    return raw;
  }

  eventTypes(): EngineEventType[] {
    const raw = this.params.get('type');
    if (raw === null || raw === '') return [];
    const types = raw.split(',').map((t) => t.trim());
    const unknown = types.filter((t) => !(ENGINE_EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) {
      this.problems.push(
        `type must be one or more (comma-separated) of ${ENGINE_EVENT_TYPES.join(', ')}; got ${unknown.join(', ').slice(0, 100)}`,
      );
      return [];
    }
    return [...new Set(types)] as EngineEventType[];
  }

  /** Throws a 400 listing every bad parameter. */
  done(): void {
    if (this.problems.length > 0)
      throw new BadRequestError('Invalid query parameters', this.problems.join('; '));
  }
}

export function parseLogsQuery(params: URLSearchParams): LogsQuery {
  const r = new QueryReader(params);
  const query: LogsQuery = {
    endpointId: r.endpointId(),
    id: r.containerId(),
    follow: r.boolean('follow', false),
    tail: r.tail(),
    timestamps: r.boolean('timestamps', false),
    since: r.unixTime('since'),
  };
  r.done();
  return query;
}

export function parseStatsQuery(params: URLSearchParams): StatsQuery {
  const r = new QueryReader(params);
  const query: StatsQuery = { endpointId: r.endpointId(), id: r.containerId() };
  r.done();
  return query;
}

export function parseEventsQuery(params: URLSearchParams): EventsQuery {
  const r = new QueryReader(params);
  const query: EventsQuery = {
    endpointId: r.endpointId(),
    types: r.eventTypes(),
    since: r.unixTime('since'),
  };
  r.done();
  return query;
}

/** The engine path for a logs query: both streams always, the rest as asked. */
export function logsPath(q: LogsQuery): string {
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

export function eventsPath(q: EventsQuery): string {
  const search = new URLSearchParams();
  if (q.types.length > 0) search.set('filters', JSON.stringify({ type: q.types }));
  if (q.since !== undefined) search.set('since', q.since);
  const s = search.toString();
  return s ? `/events?${s}` : '/events';
}
