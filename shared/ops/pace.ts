/** Time as a paced run sees it; tests pass a fake one that advances only when slept on. */
export interface Clock {
  /** Milliseconds since some fixed point. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The machine's clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

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
