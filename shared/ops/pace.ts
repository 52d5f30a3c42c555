import type { Clock } from '../clock.js';

/**
 * A gate to await before each send of `n` items, so that the k-th item leaves no earlier than k / perSecond
 * seconds after the first: the average rate never exceeds `perSecond`, and a burst is one batch.
 */
export const pacer = (perSecond: number, clock: Clock) => {
  let start: number | undefined;
  let sent = 0;
  return async (n: number) => {
    start ??= clock.now();
    const wait = start + (sent * 1000) / perSecond - clock.now();
    if (wait > 0) await clock.sleep(wait);
    sent += n;
  };
};
