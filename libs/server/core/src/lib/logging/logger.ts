import { LoggerService } from '@nestjs/common';
import type { LogFormat, LogLevel } from '../config/capstan-config';
import { LOG_LEVELS } from '../config/capstan-config';
import { currentRequestId } from '../http/request-context';

type Fields = Record<string, unknown>;

const NEST_BOOT_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/**
 * Structured logger: one line per event, JSON or pretty, with the request id of the
 * request being served (from the async context) on every line.
 */
export class CapstanLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    level: LogLevel,
    private readonly format: LogFormat,
    private readonly out: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  isEnabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= this.threshold;
  }

  write(level: LogLevel, msg: string, fields: Fields = {}): void {
    if (!this.isEnabled(level)) return;
    const reqId = currentRequestId();
    const record: Fields = {
      time: new Date().toISOString(),
      level,
      msg,
      ...(reqId ? { reqId } : {}),
      ...fields,
    };
    if (this.format === 'json') {
      this.out(JSON.stringify(record));
      return;
    }
    const extra = Object.entries(record)
      .filter(([k]) => !['time', 'level', 'msg'].includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    this.out(`${String(record['time'])} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? ' ' + extra : ''}`);
  }

  // Nest's LoggerService: the optional last param is the context (class name).
  log(message: unknown, ...rest: unknown[]): void {
    const fields = contextOf(rest);
    // Nest's start-up chatter (modules loaded, routes mapped) is debug detail.
    const level = NEST_BOOT_CONTEXTS.has(String(fields['context'])) ? 'debug' : 'info';
    this.write(level, String(message), fields);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const fields = contextOf(rest);
    const stack = rest.find((r) => typeof r === 'string' && r.includes('\n    at '));
    this.write('error', message instanceof Error ? message.message : String(message), {
      ...fields,
      ...(stack ? { stack } : message instanceof Error && message.stack ? { stack: message.stack } : {}),
    });
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', String(message), contextOf(rest));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', String(message), contextOf(rest));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', String(message), contextOf(rest));
  }
}

function contextOf(rest: unknown[]): Fields {
  const last = rest[rest.length - 1];
  return typeof last === 'string' && !last.includes('\n') ? { context: last } : {};
}
