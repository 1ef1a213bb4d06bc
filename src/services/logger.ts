/**
 * Structured JSON logs, one line per event. Callers pass fields, never raw headers or bodies, so
 * secrets (cookies, API keys, provider keys) cannot reach the log by accident.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createJsonLogger(level: LogLevel, write: (line: string) => void, clock: () => number = Date.now): Logger {
  const at = ORDER[level];
  const log =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: LogFields = {}) => {
      if (ORDER[lvl] < at) return;
      write(JSON.stringify({ time: new Date(clock()).toISOString(), level: lvl, msg, ...fields }));
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
