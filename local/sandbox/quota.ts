/** A store's rate-limit window as the sandbox counts it. */
interface Window {
  start: number;
  used: number;
  /** Exhausted on demand: every request 429s until the window resets, enforced or not. */
  exhausted: boolean;
}

export interface QuotaSettings {
  /** Requests per window (BigCommerce Standard and Plus plans: 150). */
  requests: number;
  /** The window's length (BigCommerce: 30 s). */
  windowMs: number;
  /** Answer 429 once a window's requests are spent; off, the headers still count down. */
  enforce: boolean;
}

/** What the sandbox answers one request with: allowed or not, and the `X-Rate-Limit-*` headers. */
export interface QuotaVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

/**
 * Each store's request quota, counted over every API request (REST and GraphQL share it, as on
 * BigCommerce), on the clock it is given so tests can move time instead of waiting.
 * @see https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits
 */
export class SandboxQuota {
  readonly #windows = new Map<string, Window>();
  settings: QuotaSettings;

  constructor(
    private readonly now: () => number,
    settings: Partial<QuotaSettings> = {},
  ) {
    this.settings = { requests: 150, windowMs: 30_000, enforce: false, ...settings };
  }

  #window(storeHash: string): Window {
    const now = this.now();
    let window = this.#windows.get(storeHash);
    if (!window || now >= window.start + this.settings.windowMs) {
      window = { start: now, used: 0, exhausted: false };
      this.#windows.set(storeHash, window);
    }
    return window;
  }

  /** Counts one request of `storeHash`, or refuses it when the window is spent and enforced (or exhausted). */
  take(storeHash: string): QuotaVerdict {
    const window = this.#window(storeHash);
    const { requests, windowMs, enforce } = this.settings;
    const spent = window.exhausted || (enforce && window.used >= requests);
    if (!spent) window.used += 1;
    const left = window.exhausted ? 0 : Math.max(0, requests - window.used);
    return {
      allowed: !spent,
      headers: {
        'x-rate-limit-time-window-ms': String(windowMs),
        'x-rate-limit-time-reset-ms': String(Math.max(0, window.start + windowMs - this.now())),
        'x-rate-limit-requests-quota': String(requests),
        'x-rate-limit-requests-left': String(left),
      },
    };
  }

  /** Spends the store's current window: its requests answer 429 until the window resets. */
  exhaust(storeHash: string): void {
    this.#window(storeHash).exhausted = true;
  }

  /** Changes the quota; windows restart. */
  configure(settings: Partial<QuotaSettings>): void {
    this.settings = { ...this.settings, ...settings };
    this.#windows.clear();
  }
}
