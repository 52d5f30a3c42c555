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
   * Calls `giveUp` after `ms` unless the returned cancel is called first: ends the wait for an attempt that
   * never answers (aws-lite 0.23 has no request timeout). Default a timer, cleared when the attempt settles.
   */
  giveUpTimer?: (ms: number, giveUp: () => void) => () => void;
  /**
   * Time kept back from the invocation's deadline (ms), so the batch's answer still goes out after the
   * last attempt: the retries stop, and an unanswered attempt is given up, this long before it. Default 500.
   */
  marginMs?: number;
}

/**
 * The backoff: 100 ms doubled per attempt, capped at 1 s, full jitter (aws-lite has waited about 1.5 s
 * within each attempt already). Without a Lambda context (no deadline known, and a lock that lapses only
 * with the window) the retries go on for at most 5 s.
 */
const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 1_000;
const BUDGET_WITHOUT_DEADLINE_MS = 5_000;

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

const realGiveUpTimer = (ms: number, giveUp: () => void) => {
  const timer = setTimeout(giveUp, ms);
  return () => clearTimeout(timer);
};

/**
 * `write()`'s answer, or a {@link CompletionNotRecordedError} once `ms` pass without one (aws-lite 0.23 has
 * no request timeout, and a socket that died while Lambda froze the container never answers).
 */
export const answerWithin = async <T>(
  write: () => Promise<T>,
  ms: number,
  attempts: number,
  giveUpTimer = realGiveUpTimer,
): Promise<T> => {
  let cancel: (() => void) | undefined;
  try {
    return await Promise.race([
      write(),
      new Promise<never>((_, reject) => {
        cancel = giveUpTimer(ms, () =>
          reject(new CompletionNotRecordedError(attempts, new Error('no answer in the time left'))),
        );
      }),
    ]);
  } finally {
    cancel?.();
  }
};

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
  const giveUpTimer = options.giveUpTimer;
  const margin = options.marginMs ?? 500;
  const remaining = remainingMs();
  const start = now();
  const giveUpAt = start + (remaining === undefined ? BUDGET_WITHOUT_DEADLINE_MS : remaining - margin);
  // A handler that ends inside the margin still gets one attempt of up to 300 ms (a healthy table answers
  // in a few), stopping 100 ms before the deadline: else its give-up is 0 ms and a healthy table's
  // completion goes unrecorded.
  const firstGiveUpAt = Math.max(giveUpAt, start + Math.min((remaining ?? 0) - 100, 300));
  const policy: RetryPolicy = {
    attempts: Number.POSITIVE_INFINITY,
    baseDelayMs: BASE_DELAY_MS,
    maxDelayMs: MAX_DELAY_MS,
    maxWaitMs: Number.POSITIVE_INFINITY,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
  let attempts = 0;
  const attempt = () =>
    answerWithin(write, (attempts ? giveUpAt : firstGiveUpAt) - now(), ++attempts, giveUpTimer);
  let transient = false;
  try {
    await retry(attempt, policy, {
      retryable: (error, index) => {
        transient = isTransientTableError(error);
        if (!transient) return false;
        const waitMs = backoffDelay(index, policy);
        return now() + waitMs < giveUpAt ? { waitMs } : false;
      },
    });
  } catch (error) {
    throw transient ? new CompletionNotRecordedError(attempts, error) : error;
  }
};
