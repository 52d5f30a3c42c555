import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../shared/clock.js';
import { pacer } from '../../../shared/ops/pace.js';

const fakeClock = () => {
  let now = 1_000_000;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
  return clock;
};

describe('Function: pacer', () => {
  it('lets the k-th item go no earlier than k / perSecond seconds after the first', async () => {
    // Prepare
    const clock = fakeClock();
    const pace = pacer(4, clock);
    const start = clock.now();
    const times: number[] = [];

    // Act: batches of 2, 2, 3, 1
    for (const n of [2, 2, 3, 1]) {
      await pace(n);
      times.push(clock.now() - start);
    }

    // Assess
    expect(times).toEqual([0, 500, 1000, 1750]);
  });

  it('does not wait when the sender is already slower than the rate', async () => {
    // Prepare
    const clock = fakeClock();
    const pace = pacer(10, clock);
    await pace(1);
    await clock.sleep(5000);
    const before = clock.now();

    // Act
    await pace(1);

    // Assess
    expect(clock.now()).toBe(before);
  });
});
