import { describe, expect, it } from 'vitest';
import { OutOfTimeError } from '../../../shared/bigcommerce/rest/errors.js';
import { StoreRateLimiter } from '../../../shared/bigcommerce/rest/limiter.js';

const fakeClock = () => {
  const clock = {
    at: 0,
    slept: [] as number[],
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.at += ms;
    },
  };
  return clock;
};

/** Starts `count` acquisitions and says how many got through before any was released. */
const admitted = async (limiter: StoreRateLimiter, count: number) => {
  let through = 0;
  for (let index = 0; index < count; index += 1)
    void limiter.acquire(undefined, 'test').then(() => (through += 1));
  await new Promise((resolve) => setImmediate(resolve));
  return through;
};

describe('Class: StoreRateLimiter', () => {
  it('lets one request learn the quota before others start', async () => {
    // Act
    const through = await admitted(new StoreRateLimiter(fakeClock()), 5);

    // Assess
    expect(through).toBe(1);
  });

  it('admits as many requests as the quota left, less the reserve', async () => {
    // Prepare
    const limiter = new StoreRateLimiter(fakeClock(), 2);
    await limiter.acquire(undefined, 'probe');
    limiter.release({ left: 10, resetMs: 30_000 });

    // Act
    const through = await admitted(limiter, 20);

    // Assess
    expect(through).toBe(8);
  });

  it('waits for the window reset when the quota is spent and nothing is in flight', async () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new StoreRateLimiter(clock, 2);
    await limiter.acquire(undefined, 'probe');
    limiter.release({ left: 2, resetMs: 7_000 });

    // Act
    await limiter.acquire(undefined, 'next');

    // Assess
    expect(clock.slept).toEqual([7_000]);
  });

  it('keeps the lowest count of a window: a late answer to an early request does not raise it', async () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new StoreRateLimiter(clock, 0);
    await limiter.acquire(undefined, 'probe');
    limiter.release({ left: 3, resetMs: 10_000 });
    await limiter.acquire(undefined, 'a');
    await limiter.acquire(undefined, 'b');
    limiter.release({ left: 1, resetMs: 9_000 });
    limiter.release({ left: 2, resetMs: 9_500 });

    // Act
    const through = await admitted(limiter, 3);

    // Assess
    expect(through).toBe(1);
  });

  it('refuses to wait for a reset that comes after the deadline', async () => {
    // Prepare
    const clock = fakeClock();
    const limiter = new StoreRateLimiter(clock, 2);
    await limiter.acquire(undefined, 'probe');
    limiter.release({ left: 0, resetMs: 20_000 });

    // Act
    const acquiring = limiter.acquire(5_000, 'store abc: GET /v2/orders/1');

    // Assess
    await expect(acquiring).rejects.toBeInstanceOf(OutOfTimeError);
    expect(clock.slept).toEqual([]);
  });
});
