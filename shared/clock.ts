/**
 * Time as code that waits sees it: `now` and `sleep` together, so a test passes a fake whose `sleep`
 * advances `now` and nothing waits in real time (the handler client's rate limiter, the redrive's pacer
 * and its wait for a move task).
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Real time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
