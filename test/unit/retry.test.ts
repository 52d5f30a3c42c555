import { describe, expect, it } from 'vitest';
import { TransientError } from '../../shared/errors.js';
import { defaultRetryPolicy, type RetryPolicy, retry } from '../../shared/retry.js';

/** A policy whose sleeps are recorded, not waited, and whose jitter is fixed at its maximum. */
const recorded = (overrides: Partial<RetryPolicy> = {}) => {
  const waits: number[] = [];
  const policy: RetryPolicy = {
    ...defaultRetryPolicy,
    random: () => 0.999,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  };
  return { policy, waits };
};

/** A call that fails `times` times with `error`, then returns its attempt number. */
const failing = (times: number, error: () => unknown) => async (attempt: number) => {
  if (attempt < times) throw error();
  return attempt;
};

describe('Retry', () => {
  it('retries what is retryable with exponential backoff, and returns the first success', async () => {
    // Prepare
    const { policy, waits } = recorded({ attempts: 4, baseDelayMs: 100, maxDelayMs: 250 });

    // Act
    const result = await retry(
      failing(3, () => new Error('busy')),
      policy,
      { retryable: () => true },
    );

    // Assess
    expect(result).toBe(3);
    expect(waits).toEqual([100, 200, 250]);
  });

  it('waits what a failure asks for, and throws at once a wait longer than maxWaitMs', async () => {
    // Prepare
    const { policy, waits } = recorded({ maxWaitMs: 1_000 });
    const asked = (waitMs: number) => () => new TransientError('429', { retryAfterMs: waitMs });
    const options = {
      retryable: (error: unknown) => ({ waitMs: (error as TransientError).retryAfterMs ?? 0 }),
    };

    // Act
    const short = await retry(failing(1, asked(700)), policy, options);
    const long = retry(failing(1, asked(5_000)), policy, options);

    // Assess
    expect(short).toBe(1);
    await expect(long).rejects.toThrow('429');
    expect(waits).toEqual([700]);
  });

  it('throws what is not retryable at once, and what the decision throws instead', async () => {
    // Prepare
    const { policy, waits } = recorded();

    // Act
    const permanent = retry(
      failing(1, () => new Error('bad input')),
      policy,
      { retryable: () => false },
    );
    const replaced = retry(
      failing(1, () => new Error('refused')),
      policy,
      {
        retryable: async () => {
          throw new Error('someone else changed it');
        },
      },
    );

    // Assess
    await expect(permanent).rejects.toThrow('bad input');
    await expect(replaced).rejects.toThrow('someone else changed it');
    expect(waits).toEqual([]);
  });

  it('stops after the last attempt with the exhausted error, the last failure as its cause', async () => {
    // Prepare
    const { policy, waits } = recorded({ attempts: 3 });

    // Act
    const run = retry(
      failing(5, () => new Error('still busy')),
      policy,
      {
        retryable: () => true,
        exhausted: (error) => new TransientError('gave up', { cause: error }),
      },
    );

    // Assess
    await expect(run).rejects.toMatchObject({ message: 'gave up', cause: { message: 'still busy' } });
    expect(waits).toHaveLength(2);
  });

  it('never waits past the budget: a wait that would pass it ends the retries', async () => {
    // Prepare
    const { policy, waits } = recorded({
      attempts: Infinity,
      baseDelayMs: 100,
      maxDelayMs: 400,
      budgetMs: 1_000,
    });

    // Act
    const run = retry(
      failing(100, () => new Error('not yet')),
      policy,
      { retryable: () => true },
    );

    // Assess
    await expect(run).rejects.toThrow('not yet');
    expect(waits).toEqual([100, 200, 400]);
  });

  it('reports each retry before its wait', async () => {
    // Prepare
    const { policy } = recorded({ baseDelayMs: 10 });
    const retries: [string, number, number][] = [];

    // Act
    await retry(
      failing(2, () => new Error('busy')),
      policy,
      {
        retryable: () => true,
        onRetry: (error, waitMs, attempt) => retries.push([(error as Error).message, waitMs, attempt]),
      },
    );

    // Assess
    expect(retries).toEqual([
      ['busy', 10, 0],
      ['busy', 20, 1],
    ]);
  });
});
