/**
 * The project's named errors. Permanent errors mean "retrying the same input cannot succeed";
 * transient ones mean "try again later".
 */

/** Why a consumed record was rejected before reaching a handler. */
export type RejectionReason = 'malformed-json' | 'not-a-bigcommerce-event' | 'schema-violation';

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
  override readonly name = 'PermanentError';
}

/** The message of any thrown value. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
