import type { KeyedLogger, LogSink } from '../../shared/logger.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  keys: Record<string, unknown>;
  extra: Record<string, unknown>;
}

/** A {@link KeyedLogger} that records every line, with the keys of the child that wrote it. */
export const createFakeLogger = () => {
  const lines: LogLine[] = [];
  const sink = (keys: Record<string, unknown>): LogSink => {
    const write =
      (level: LogLine['level']) =>
      (message: string, ...extra: Record<string, unknown>[]) =>
        lines.push({ level, message, keys, extra: Object.assign({}, ...extra) });
    return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  };
  const logger: KeyedLogger = { ...sink({}), child: (keys) => sink(keys) };
  return { logger, lines, at: (level: LogLine['level']) => lines.filter((line) => line.level === level) };
};
