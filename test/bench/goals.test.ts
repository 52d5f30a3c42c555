import { describe, expect, it } from 'vitest';
import { GOALS, judgeRange, judgeValue } from './goals.js';
import { pairRatios, rotation } from './stats.js';

// The bench's verdicts, not its figures: this runs in `npm test` in milliseconds and measures nothing.
describe('Bench: pair ratios and their verdicts', () => {
  it('computes one ratio per pair, not a ratio of medians', () => {
    // Prepare: the machine halves its speed between the two pairs; ours is 2x the peer in each.
    const ours = [400, 200];
    const peer = [200, 100];

    // Act
    const ratios = pairRatios(ours, peer);

    // Assess
    expect(ratios).toEqual({ median: 2, min: 2, max: 2, n: 2, pairs: [2, 2] });
  });

  it('refuses contenders timed a different number of times', () => {
    expect(() => pairRatios([1, 2], [1])).toThrow(/pairs/);
  });

  it('says undecided when the pairs straddle an at-least goal, met or missed only when all agree', () => {
    const goal = { direction: 'atLeast', value: 1.5 } as const;
    expect(judgeRange({ min: 1.4, max: 1.7 }, goal)).toBe('undecided');
    expect(judgeRange({ min: 1.5, max: 1.7 }, goal)).toBe('met');
    expect(judgeRange({ min: 1.1, max: 1.49 }, goal)).toBe('missed');
  });

  it('says undecided when the pairs straddle an at-most goal', () => {
    expect(judgeRange({ min: 0.7, max: 0.9 }, GOALS.firstInvokeVsPeer)).toBe('undecided');
    expect(judgeRange({ min: 0.6, max: 0.8 }, GOALS.firstInvokeVsPeer)).toBe('met');
    expect(judgeRange({ min: 0.81, max: 0.9 }, GOALS.firstInvokeVsPeer)).toBe('missed');
  });

  it('judges a bundle size against the README goal itself', () => {
    expect(judgeValue(300 * 1024, GOALS.consumeBundleBytes)).toBe('met');
    expect(judgeValue(300 * 1024 + 1, GOALS.consumeBundleBytes)).toBe('missed');
  });

  it('rotates the contenders so each runs in every position once per cycle', () => {
    const orders = [0, 1, 2].map((rep) => rotation(['ours', 'peer', 'empty'], rep));
    expect(orders).toEqual([
      ['ours', 'peer', 'empty'],
      ['peer', 'empty', 'ours'],
      ['empty', 'ours', 'peer'],
    ]);
  });
});
