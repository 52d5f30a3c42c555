import { TransientError } from './errors.js';

/** How many times and how long to retry. */
export interface RetryPolicy {
  /** Total attempts, the first included (`Infinity`: bounded by `budgetMs` alone). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A wait longer than this (a server's request) is not waited for: the failure is thrown at once. */
  maxWaitMs: number;
  /** The most time all waits together may take; a wait that would pass it ends the retries. */
  budgetMs?: number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1); the jitter source. */
  random: () => number;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxWaitMs: 15_000,
  sleep,
  random: Math.random,
};

/** Exponential backoff with "full jitter": a random wait up to base * 2^attempt, capped. */
export const backoffDelay = (
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
) => Math.round(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt) * policy.random());

/** What to do about one failure: give up (`false`), retry after the backoff (`true`), or after `waitMs`. */
export type RetryDecision = boolean | { waitMs: number };

export interface RetryOptions {
  /** Decides per failure; may throw another error instead (a re-read showed something else is wrong). */
  retryable: (error: unknown, attempt: number) => RetryDecision | Promise<RetryDecision>;
  /** The error thrown once the attempts or the budget run out (default: the last failure itself). */
  exhausted?: (error: unknown) => unknown;
  onRetry?: (error: unknown, waitMs: number, attempt: number) => void;
}

/**
 * The one retry loop of the service: runs `call` until it returns, retrying the failures `retryable`
 * accepts after the wait they name (a server's `Retry-After`, say) or a jittered exponential backoff,
 * within the policy's attempts and wait budget. Waits go through `policy.sleep`, so tests pass a fake.
 * Anything `retryable` refuses is thrown at once.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export const retry = async <T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions,
): Promise<T> => {
  let waited = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      const decision = await options.retryable(error, attempt);
      if (decision === false) throw error;
      const waitMs = decision === true ? backoffDelay(attempt, policy) : decision.waitMs;
      if (waitMs > policy.maxWaitMs) throw error;
      const outOfTries = attempt + 1 >= policy.attempts;
      const outOfTime = policy.budgetMs !== undefined && waited + waitMs > policy.budgetMs;
      if (outOfTries || outOfTime) throw options.exhausted ? options.exhausted(error) : error;
      options.onRetry?.(error, waitMs, attempt);
      await policy.sleep(waitMs);
      waited += waitMs;
    }
  }
};

/**
 * Runs `call`, retrying {@link TransientError}s a bounded number of times: after the wait the server
 * asked for (`retryAfterMs`), else after a jittered backoff. Anything else is thrown at once.
 */
export const retryTransient = <T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: TransientError, waitMs: number, attempt: number) => void,
): Promise<T> =>
  retry(call, policy, {
    retryable: (error) =>
      error instanceof TransientError &&
      (error.retryAfterMs === undefined ? true : { waitMs: error.retryAfterMs }),
    ...(onRetry && {
      onRetry: (error, waitMs, attempt) => onRetry(error as TransientError, waitMs, attempt),
    }),
  });
