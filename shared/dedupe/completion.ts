import { setTimeout as timerFor } from 'node:timers/promises';
import { backoffDelay, type RetryPolicy, sleep as realSleep, retry } from '../retry.js';

/**
 * DynamoDB's throttling errors, answered with status 400 (its server-side failures are 5xx). aws-lite
 * retries these itself (5 times, about 1.5 s of jittered waits on average) before it rejects with one.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
const THROTTLING = /^(ProvisionedThroughputExceededException|ThrottlingException|RequestLimitExceeded)$/;

/**
 * A connection that failed or dropped: aws-lite rejects these with a plain `Error` whose message carries
 * Node's code (`... connect ECONNREFUSED 127.0.0.1:1`), no `code` property and no status.
 */
const CONNECTION_FAILURE =
  /\b(ECONN(RESET|REFUSED|ABORTED)|EPIPE|E(SOCKET)?TIMEDOUT|ENOTFOUND|EAI_AGAIN|E(HOST|NET)UNREACH)\b|socket hang up/;

/**
 * Whether a failed dedupe table call may succeed if made again: throttling, a 5xx or 429, or a
 * connection error (a timeout included). A refused condition, a validation error, missing permissions or
 * a missing table are not: the same call would fail the same way.
 */
export const isTransientTableError = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const { statusCode } = error as { statusCode?: unknown };
  if (typeof statusCode === 'number' && (statusCode >= 500 || statusCode === 429)) return true;
  return THROTTLING.test(error.name) || CONNECTION_FAILURE.test(error.message);
};

/** How a completion write is retried; every field has a default, tests pass fakes for the clock and the waits. */
export interface CompletionRetryOptions {
  /** The clock (ms) the deadline is measured on. Default `Date.now`. */
  now?: () => number;
  /** The waits between attempts. Default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1); the backoff's jitter. Default `Math.random`. */
  random?: () => number;
  /**
   * Resolves after `ms` unless `signal` aborts first: ends the wait for an attempt that never answers
   * (aws-lite 0.23 has no request timeout). Default a timer, cleared when the attempt settles.
   */
  giveUpTimer?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Time kept back from the invocation's deadline (ms), so the batch's answer still goes out after the
   * last attempt: the retries stop, and an unanswered attempt is given up, this long before it. Default 500.
   */
  marginMs?: number;
  /** Without a Lambda context (no deadline known, so the lock never lapses early): how long retries may go on. Default 5 s. */
  budgetWithoutDeadlineMs?: number;
  /** First backoff (ms, doubled per attempt, full jitter) and its cap: defaults 100 and 1,000. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told of each failed attempt that will be retried. */
  onRetry?: (error: unknown, waitMs: number, attempt: number) => void;
}

/** A completion write that was not answered before the time left for it ran out. */
export class CompletionWriteTimeoutError extends Error {
  override readonly name = 'CompletionWriteTimeoutError';
}

/** The completion could not be written in the time the invocation had left: every attempt failed. */
export class CompletionNotRecordedError extends Error {
  override readonly name = 'CompletionNotRecordedError';
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`completion write failed ${attempts} times; cause: the last failure`, { cause });
  }
}

const realGiveUpTimer = (ms: number, signal: AbortSignal): Promise<void> =>
  // An aborted timer means the attempt settled first: nothing to wait for, so never resolve.
  timerFor(ms, undefined, { signal }).catch(() => new Promise<void>(() => undefined));

/**
 * Runs `write` (the dedupe table's completion update) until it succeeds, retrying transient failures
 * ({@link isTransientTableError}) with jittered exponential backoff for as long as `remainingMs()` (the
 * invocation's time left, `undefined` when unknown) allows less the margin, and giving up an attempt that
 * is still unanswered then. The handler has already run when this is called: each retry that succeeds is
 * a rerun avoided, since an unrecorded completion leaves the event's lock to lapse with the invocation.
 * Throws {@link CompletionNotRecordedError} (the last failure as its cause) when time runs out, and a
 * non-transient failure as it came, at once.
 */
export const writeCompletion = async (
  write: () => Promise<unknown>,
  remainingMs: () => number | undefined,
  options: CompletionRetryOptions = {},
): Promise<void> => {
  const now = options.now ?? Date.now;
  const giveUpTimer = options.giveUpTimer ?? realGiveUpTimer;
  const margin = options.marginMs ?? 500;
  const remaining = remainingMs();
  const giveUpAt =
    now() + (remaining === undefined ? (options.budgetWithoutDeadlineMs ?? 5_000) : remaining - margin);
  const policy: RetryPolicy = {
    attempts: Number.POSITIVE_INFINITY,
    baseDelayMs: options.baseDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 1_000,
    maxWaitMs: Number.POSITIVE_INFINITY,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
  let attempts = 0;
  const attempt = async () => {
    attempts += 1;
    const stop = new AbortController();
    try {
      return await Promise.race([
        write(),
        giveUpTimer(Math.max(0, giveUpAt - now()), stop.signal).then(() => {
          throw new CompletionWriteTimeoutError('no answer before the deadline less its margin');
        }),
      ]);
    } finally {
      stop.abort();
    }
  };
  let transient = false;
  try {
    await retry(attempt, policy, {
      retryable: (error, index) => {
        transient = isTransientTableError(error);
        if (!transient) return false;
        const waitMs = backoffDelay(index, policy);
        return now() + waitMs < giveUpAt ? { waitMs } : false;
      },
      ...(options.onRetry && { onRetry: options.onRetry }),
    });
  } catch (error) {
    if (transient || error instanceof CompletionWriteTimeoutError) {
      throw new CompletionNotRecordedError(attempts, error);
    }
    throw error;
  }
};
