import type { Clock } from '../../clock.js';
import { OutOfTimeError } from './errors.js';

/** What one response said about the store's quota. */
export interface QuotaReading {
  /** `X-Rate-Limit-Requests-Left`. */
  left: number;
  /** `X-Rate-Limit-Time-Reset-Ms`: when the window refills, from now. */
  resetMs: number;
}

/** The quota headers of a response, when it carries both. */
export const quotaOf = (headers: Headers): QuotaReading | undefined => {
  const left = Number(headers.get('x-rate-limit-requests-left') ?? Number.NaN);
  const resetMs = Number(headers.get('x-rate-limit-time-reset-ms') ?? Number.NaN);
  return Number.isFinite(left) && Number.isFinite(resetMs) && resetMs >= 0 ? { left, resetMs } : undefined;
};

/**
 * Paces one store's requests by what BigCommerce last said of its quota (per store, shared by every app
 * and every container). A request starts only while `left - reserve` exceeds the requests already in
 * flight; when none may start and none is in flight, it waits for the window's reset rather than drawing
 * a 429. Until a response says how much is left (a new container, a window that has reset) one request
 * goes at a time, to learn it.
 * @see https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits
 */
export class StoreRateLimiter {
  #left: number | undefined;
  #resetAt = 0;
  #inFlight = 0;
  #waiters: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    /** Requests left to other apps and containers on the same store. */
    private readonly reserve = 2,
  ) {}

  /**
   * Waits until a request may start; throws {@link OutOfTimeError} when that would pass `deadline`.
   * `onWait` hears of each wait for a window's reset.
   */
  async acquire(
    deadline: number | undefined,
    what: string,
    onWait?: (waitMs: number) => void,
  ): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      if (this.#left !== undefined && now >= this.#resetAt) this.#left = undefined;
      const allowance = this.#left === undefined ? 1 : this.#left - this.reserve;
      if (this.#inFlight < allowance) {
        this.#inFlight += 1;
        return;
      }
      if (this.#inFlight > 0) {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
        continue;
      }
      const waitMs = this.#resetAt - now;
      if (deadline !== undefined && now + waitMs > deadline) {
        throw new OutOfTimeError(
          `${what}: the store's rate-limit window resets in ${waitMs} ms, after the invocation's deadline`,
        );
      }
      onWait?.(waitMs);
      await this.clock.sleep(waitMs);
    }
  }

  /** Ends a request started by {@link acquire}, learning from its response's quota headers. */
  release(reading: QuotaReading | undefined): void {
    this.#inFlight -= 1;
    if (reading) {
      const now = this.clock.now();
      const resetAt = now + reading.resetMs;
      // Within one window the count only falls: a late answer to an early request must not raise it.
      const sameWindow = this.#left !== undefined && now < this.#resetAt;
      this.#left = sameWindow ? Math.min(this.#left ?? reading.left, reading.left) : reading.left;
      this.#resetAt = sameWindow ? Math.min(this.#resetAt, resetAt) : resetAt;
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
