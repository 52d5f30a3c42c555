import { TransientError } from '../../errors.js';

/** How many times and how long to retry a transient failure. */
export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server-requested wait longer than this is not waited for: the error is returned to the caller. */
  maxWaitMs: number;
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

/**
 * Runs `call`, retrying {@link TransientError}s a bounded number of times: after the wait the server
 * asked for (`retryAfterMs`), else after a jittered backoff. Anything else is thrown at once.
 */
export const retryTransient = async <T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  onRetry?: (error: TransientError, waitMs: number, attempt: number) => void,
): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!(error instanceof TransientError) || attempt + 1 >= policy.attempts) throw error;
      const waitMs = error.retryAfterMs ?? backoffDelay(attempt, policy);
      if (waitMs > policy.maxWaitMs) throw error;
      onRetry?.(error, waitMs, attempt);
      await policy.sleep(waitMs);
    }
  }
};
