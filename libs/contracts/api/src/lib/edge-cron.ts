import { Cron } from 'croner';

/**
 * Edge job schedules: what the host's cron daemon runs (`/etc/cron.d/portainer_agent`, agent protocol §5.8), so
 * only the syntax every cron understands — five fields of numbers, `*`, ranges, steps, lists and month/day names,
 * or one of the nicknames below. croner (a maintained cron parser, also used by the agent to run the schedule
 * itself) checks the values; croner's own extensions (`L`, `W`, `#`, `?`) are refused because a host cron would
 * not run them. A six-field expression loses its seconds, as in Portainer.
 */

export const CRON_NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly'] as const;

const FIELD = /^[0-9*,/-]+$/;
const NAMED_FIELD = /^[0-9A-Za-z*,/-]+$/;
const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';
const DAYS = 'sun|mon|tue|wed|thu|fri|sat';
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;

export type EdgeCronResult =
  | { readonly ok: true; readonly expression: string; readonly next: Date }
  | { readonly ok: false; readonly error: string };

/** Checks and normalises a schedule (single spaces, seconds dropped); `now` is where "never runs" is judged from. */
export function parseEdgeCron(input: string, now: Date = new Date()): EdgeCronResult {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(input))
    return { ok: false, error: 'The cron expression must be one line' };
  const text = input.trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, error: 'The cron expression is empty' };
  if (text.length > 255) return { ok: false, error: 'The cron expression is longer than 255 characters' };
  let expression = text;
  if (text.startsWith('@')) {
    if (!(CRON_NICKNAMES as readonly string[]).includes(text.toLowerCase()))
      return { ok: false, error: `Unknown nickname ${text} (${CRON_NICKNAMES.join(', ')})` };
    expression = text.toLowerCase();
  } else {
    let fields = text.split(' ');
    if (fields.length === 6) fields = fields.slice(1);
    if (fields.length !== 5)
      return {
        ok: false,
        error: 'A cron expression has five fields: minute hour day-of-month month day-of-week',
      };
    for (const [i, f] of fields.entries()) {
      const named = i === 3 ? MONTHS : i === 4 ? DAYS : '';
      const plain = named ? f.replace(new RegExp(named, 'gi'), '0') : f;
      if (!(named ? NAMED_FIELD : FIELD).test(f) || !FIELD.test(plain))
        return {
          ok: false,
          error: `The ${FIELD_NAMES[i]} field "${f}" uses syntax a host cron does not run`,
        };
    }
    expression = fields.join(' ');
  }
  let next: Date | null;
  try {
    next = new Cron(expression, { paused: true }).nextRun(now);
  } catch (e) {
    return { ok: false, error: (e as Error).message.replace(/^CronPattern: /, '') };
  }
  if (!next) return { ok: false, error: 'The cron expression never runs' };
  return { ok: true, expression, next };
}

/**
 * A run-once schedule (`Recurring: false`, Portainer's UI writes the chosen moment as `m h D M *`): minute, hour,
 * day and month each one number, any day of the week. Returns the moment's next occurrence after `now`.
 */
export function parseRunOnce(input: string, now: Date = new Date()): EdgeCronResult {
  const parsed = parseEdgeCron(input, now);
  if (!parsed.ok) return parsed;
  const f = parsed.expression.split(' ');
  if (f.length !== 5 || !f.slice(0, 4).every((x) => /^\d{1,2}$/.test(x)) || f[4] !== '*')
    return {
      ok: false,
      error: 'A job that runs once needs one moment: "minute hour day month *" (e.g. "30 14 24 12 *")',
    };
  return parsed;
}

/** A schedule in words, for the portal's preview ("every 5 minutes", "at 12:00 on Monday to Friday"). */
export function describeEdgeCron(expression: string): string {
  const e = expression.trim().replace(/\s+/g, ' ').toLowerCase();
  const nick: Record<string, string> = {
    '@yearly': 'once a year, on 1 January at 00:00',
    '@annually': 'once a year, on 1 January at 00:00',
    '@monthly': 'on the first day of every month at 00:00',
    '@weekly': 'every Sunday at 00:00',
    '@daily': 'every day at 00:00',
    '@hourly': 'every hour, on the hour',
  };
  if (nick[e]) return nick[e];
  let f = e.split(' ');
  if (f.length === 6) f = f.slice(1);
  if (f.length !== 5) return '';
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  const num = (x: string) => /^\d+$/.test(x);
  const two = (x: string) => x.padStart(2, '0');
  let when: string;
  if (min === '*' && hour === '*') when = 'every minute';
  else if (/^\*\/\d+$/.test(min) && hour === '*') when = `every ${min.slice(2)} minutes`;
  else if (num(min) && hour === '*') when = `at minute ${min} of every hour`;
  else if (num(min) && /^\*\/\d+$/.test(hour)) when = `at minute ${min} every ${hour.slice(2)} hours`;
  else if (num(min) && num(hour)) when = `at ${two(hour)}:${two(min)}`;
  else if (num(min) && /^[\d,-]+$/.test(hour)) when = `at minute ${min} past hour ${hour}`;
  else when = `at minute ${min}, hour ${hour}`;
  const parts = [when];
  if (dom !== '*') parts.push(`on day ${dom} of the month`);
  if (mon !== '*') parts.push(`in ${listOf(mon, MONTH_NAMES, 1)}`);
  if (dow !== '*') parts.push(`on ${listOf(dow, DAY_NAMES, 0)}`);
  if (dom === '*' && mon === '*' && dow === '*' && num(hour) && num(min)) parts.push('every day');
  return parts.join(' ');
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function listOf(field: string, names: readonly string[], base: number): string {
  const short = names.map((n) => n.slice(0, 3).toLowerCase());
  const name = (x: string): string => {
    if (/^\d+$/.test(x)) return names[Number(x) - base] ?? x;
    const i = short.indexOf(x);
    return i >= 0 ? (names[i] ?? x) : x;
  };
  return field
    .split(',')
    .map((p) => {
      const [range, step] = p.split('/');
      const [a, b] = (range ?? '').split('-');
      const r = a === '*' ? 'every one' : b !== undefined ? `${name(a ?? '')} to ${name(b)}` : name(a ?? '');
      return step ? `${r} (every ${step})` : r;
    })
    .join(', ');
}
