import {
  ChangeDetectionStrategy,
  Component,
  Injectable,
  Pipe,
  type PipeTransform,
  computed,
  inject,
  input,
  signal,
} from '@angular/core';

/**
 * The portal's one way to show a time. Docker and the API give unix seconds or ISO strings; every page shows
 * them as `2026-11-23 14:05` (local, 24 h, seconds where they matter) or, where the age is what matters, as
 * "5 min ago" with the exact time in the tooltip.
 */
export type TimeValue = number | string | Date | null | undefined;

/** A time as a Date: numbers are unix seconds; null for unknown (0, '', unparsable, Go's zero time). */
export function toDate(value: TimeValue): Date | null {
  if (value === null || value === undefined || value === '' || value === 0) return null;
  const date =
    value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime()) || date.getFullYear() < 1971) return null;
  return date;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-23 14:05` (local time; `14:05:09` with `seconds`); '—' when unknown. */
export function formatTime(value: TimeValue, options: { seconds?: boolean } = {}): string {
  const d = toDate(value);
  if (!d) return '—';
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${options.seconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** How long ago: "just now", "5 min ago", "3 h ago", "2 days ago"; after 30 days the date; '—' when unknown. */
export function timeAgo(value: TimeValue, nowMs = Date.now()): string {
  const d = toDate(value);
  if (!d) return '—';
  const seconds = Math.round((nowMs - d.getTime()) / 1000);
  const future = seconds < 0;
  const abs = Math.abs(seconds);
  const say = (n: number, unit: string) => (future ? `in ${n} ${unit}` : `${n} ${unit} ago`);
  if (abs < 45) return 'just now';
  const minutes = Math.round(abs / 60);
  if (minutes < 60) return say(minutes, 'min');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return say(hours, 'h');
  const days = Math.round(hours / 24);
  if (days <= 30) return say(days, days === 1 ? 'day' : 'days');
  return formatTime(d).slice(0, 10);
}

/** `{{ value | capTime }}`, `{{ value | capTime: 'seconds' }}`: `formatTime` in a template. */
@Pipe({ name: 'capTime' })
export class TimePipe implements PipeTransform {
  transform(value: TimeValue, precision?: 'seconds'): string {
    return formatTime(value, { seconds: precision === 'seconds' });
  }
}

/** The current time for relative labels, moving every 30 s while something reads it. */
@Injectable({ providedIn: 'root' })
export class Clock {
  static readonly TICK_MS = 30_000;
  private readonly current = signal(Date.now());
  private timer: ReturnType<typeof setInterval> | null = null;

  /** Now, in ms; reading it starts the ticking. */
  now(): number {
    this.timer ??= setInterval(() => this.current.set(Date.now()), Clock.TICK_MS);
    return this.current();
  }
}

/**
 * A time in a `<time>` element: relative ("5 min ago", moving with the clock, or against `now` when given) with
 * the exact time as tooltip, or the exact time when `relative` is false.
 */
@Component({
  selector: 'cap-time',
  template: `@if (date(); as d) {
      <time [attr.datetime]="d.toISOString()" [title]="relative() ? exact() : ''">{{ label() }}</time>
    } @else {
      —
    }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RelativeTime {
  readonly value = input.required<TimeValue>();
  readonly relative = input(true);
  /** A page that already ticks may pass its own now (ms). */
  readonly now = input<number | undefined>(undefined);
  private readonly clock = inject(Clock);
  protected readonly date = computed(() => toDate(this.value()));
  protected readonly exact = computed(() => formatTime(this.value()));
  protected readonly label = computed(() =>
    this.relative() ? timeAgo(this.value(), this.now() ?? this.clock.now()) : this.exact(),
  );
}
