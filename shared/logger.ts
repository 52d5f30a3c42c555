import { Logger } from '@aws-lambda-powertools/logger';

/** The narrow logger the core functions ask for. */
export interface LogSink {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** A log sink that can make a child carrying extra keys on every line. */
export interface KeyedLogger extends LogSink {
  child(keys: Record<string, unknown>): LogSink;
}

/** The service's one Powertools logger (JSON lines; level and service name from POWERTOOLS_* variables). */
export const logger = new Logger({ serviceName: 'bigcommerce-webhooks' });

/** Wraps a Powertools logger as a {@link KeyedLogger}. */
export const keyed = (base: Logger): KeyedLogger => ({
  debug: (message, ...extra) => base.debug(message, ...extra),
  info: (message, ...extra) => base.info(message, ...extra),
  warn: (message, ...extra) => base.warn(message, ...extra),
  error: (message, ...extra) => base.error(message, ...extra),
  child: (keys) => base.createChild({ persistentKeys: keys }),
});
