export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

const ORDER: Record<LogLevel, number> = { ERROR: 0, WARN: 1, INFO: 2, DEBUG: 3 };

export interface AgentLogger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

/** One line per event on stderr/stdout, filtered by LOG_LEVEL. */
export function createLogger(level: LogLevel): AgentLogger {
  const at = ORDER[level];
  const line = (l: LogLevel, message: string): void => {
    if (ORDER[l] > at) return;
    const text = `${new Date().toISOString()} ${l} ${message}`;
    if (ORDER[l] <= ORDER.WARN) console.error(text);
    else console.log(text);
  };
  return {
    error: (m) => line('ERROR', m),
    warn: (m) => line('WARN', m),
    info: (m) => line('INFO', m),
    debug: (m) => line('DEBUG', m),
  };
}

const ignore = (): void => undefined;
export const silentLogger: AgentLogger = { error: ignore, warn: ignore, info: ignore, debug: ignore };
