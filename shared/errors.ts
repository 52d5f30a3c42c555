/**
 * The project's named errors. Permanent errors mean "retrying the same input cannot succeed";
 * transient ones mean "try again later".
 */

/**
 * Why a consumed record was rejected before reaching a handler; `producer-mismatch`: the payload names
 * another store than the event source it came through.
 */
export type RejectionReason =
  | 'malformed-json'
  | 'not-a-bigcommerce-event'
  | 'producer-mismatch'
  | 'schema-violation';

/** A record that can never be processed as sent: it fails its batch item and, after retries, goes to the DLQ. */
export class RecordRejectedError extends Error {
  override readonly name = 'RecordRejectedError';
  constructor(
    readonly reason: RejectionReason,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${reason}: ${detail}`, options);
  }
}

/** A failure that may succeed on retry: throttling, 5xx, timeouts, connection resets. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  /** How long the remote side asked us to wait, when it said so. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** A failure that retrying will not fix: bad input, missing permission, a validation error. */
export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
}

/** The message of any thrown value. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The resources' current state blocks convergence and needs a person (e.g. the partner deleted the source). */
export class ConflictError extends PermanentError {
  override readonly name: string = 'ConflictError';
}

/** An AWS quota stops the change (e.g. event buses per account and region); raising it is a person's call. */
export class QuotaExceededError extends ConflictError {
  override readonly name: string = 'QuotaExceeded';
}

/** Something the request names does not exist where it must (e.g. no access token stored for the store). */
export class NotFoundError extends PermanentError {
  override readonly name: string = 'NotFoundError';
}

/** The environment does not hold a valid configuration; raised once, at start. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
