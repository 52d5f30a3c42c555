import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { SandboxState, SandboxWebhook } from './state.js';

/**
 * The sandbox app's client secret (a local value, not a secret): the sandbox signs its HTTPS webhooks
 * with it, and the offline stack stores it where the ingress reads it (SSM).
 */
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';

/**
 * BigCommerce's retry schedule for a failed HTTPS delivery, in seconds after each failure (~48 h in all);
 * after the last failure the webhook is deactivated.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks#callback-retry-mechanism (reference §4)
 */
export const RETRY_DELAYS_SECONDS = [60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400] as const;

/**
 * How long one delivery may take before it counts as failed. BigCommerce documents no number: a guess
 * (reference §4 says only that a slow destination fails and is blocklisted).
 */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** When retries run: real timers by default, a {@link ManualScheduler} in tests (no sleeps). */
export interface Scheduler {
  /** Epoch milliseconds: the clock the signatures' `webhook-timestamp` is read from. */
  now(): number;
  schedule(delayMs: number, run: () => Promise<void>): void;
}

/** Real time; pending retries do not keep the process alive. */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule: (delayMs, run) => {
    setTimeout(() => void run(), delayMs).unref();
  },
};

/** A scheduler tests move by hand: `advance(ms)` runs each retry that falls due, in order, and waits for it. */
export class ManualScheduler implements Scheduler {
  #now: number;
  #tasks: { at: number; run: () => Promise<void> }[] = [];

  constructor(start = Date.UTC(2026, 11, 1, 12)) {
    this.#now = start;
  }

  now() {
    return this.#now;
  }

  schedule(delayMs: number, run: () => Promise<void>) {
    this.#tasks.push({ at: this.#now + delayMs, run });
  }

  /** The delays, from now, of the retries waiting. */
  get pending(): number[] {
    return this.#tasks.map((task) => task.at - this.#now).sort((a, b) => a - b);
  }

  async advance(ms: number) {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#tasks.filter((task) => task.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.#tasks.splice(this.#tasks.indexOf(due), 1);
      this.#now = due.at;
      await due.run();
    }
    this.#now = until;
  }
}

/** Each sandbox's delivery, by its state (see {@link HttpsDelivery.serve}). */
const deliveries = new WeakMap<SandboxState, HttpsDelivery>();

/** One POST the sandbox made to an HTTPS webhook's destination. */
export interface DeliveryAttempt {
  /** The webhook's global id, `bc/store/webhook/<n>`. */
  webhookId: string;
  /** The Standard Webhooks `webhook-id`: the same on every attempt of one message. */
  messageId: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  destination: string;
  /** The HTTP status answered, or 0 when no answer came (refused, reset, timed out). */
  status: number;
  at: number;
  error?: string;
}

export interface HttpsDeliveryOptions {
  /** The secret of the app (client id) that owns a webhook; BigCommerce signs with it (default: the sandbox app's). */
  secretOf(clientId: string): string | undefined;
  scheduler?: Scheduler;
  timeoutMs?: number;
  /** Called when a webhook's retries are exhausted and it is deactivated, as BigCommerce emails its owner. */
  onDeactivated?(hook: SandboxWebhook): void;
}

/**
 * BigCommerce's HTTPS delivery: each event POSTed to the webhook's destination with its custom headers,
 * signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`, `webhook-signature`: HMAC-SHA256
 * of `id.timestamp.body` keyed with the client secret, which BigCommerce's docs base64-encode for the
 * library), a 2xx acknowledging it; anything else is retried on {@link RETRY_DELAYS_SECONDS}, each retry
 * signed afresh at its own time, and after the last one the webhook is deactivated. A webhook deleted or
 * deactivated meanwhile gets no more retries. Made before the sandbox and passed as its `httpsDelivery`
 * option (or made by it); it serves one sandbox.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/https-webhook-overview (reference §9)
 */
export class HttpsDelivery {
  readonly attempts: DeliveryAttempt[] = [];
  readonly #scheduler: Scheduler;
  readonly options: HttpsDeliveryOptions;
  #isCurrent: (hook: SandboxWebhook) => boolean = () => true;

  constructor(options: Partial<HttpsDeliveryOptions> = {}) {
    this.options = { secretOf: () => SANDBOX_CLIENT_SECRET, ...options };
    this.#scheduler = this.options.scheduler ?? realScheduler;
  }

  /**
   * Makes this the delivery of the sandbox whose state this is (its {@link httpsDeliveryOf}); a webhook
   * deleted from that state since an attempt failed gets no retry.
   */
  serve(state: SandboxState): this {
    this.#isCurrent = (hook) => state.webhooks.includes(hook);
    deliveries.set(state, this);
    return this;
  }

  /** Delivers one event's body to one webhook; resolves with the first attempt (retries follow on the scheduler). */
  async deliver(hook: SandboxWebhook, body: string): Promise<DeliveryAttempt> {
    // BigCommerce's own webhook-id format is not documented: a guess in Standard Webhooks' `msg_` style.
    return this.#attempt(hook, body, `msg_${randomUUID().replaceAll('-', '')}`, 1);
  }

  async #attempt(
    hook: SandboxWebhook,
    body: string,
    messageId: string,
    attempt: number,
  ): Promise<DeliveryAttempt> {
    const at = this.#scheduler.now();
    const record: DeliveryAttempt = {
      webhookId: `bc/store/webhook/${hook.id}`,
      messageId,
      attempt,
      destination: hook.destination,
      status: 0,
      at,
    };
    try {
      const secret = this.options.secretOf(hook.clientId);
      if (!secret) throw new Error(`no client secret for client ${hook.clientId}`);
      const signature = new Webhook(Buffer.from(secret, 'utf8').toString('base64')).sign(
        messageId,
        new Date(at),
        body,
      );
      const response = await fetch(hook.destination, {
        method: 'POST',
        headers: {
          ...hook.headers,
          'content-type': 'application/json',
          'webhook-id': messageId,
          'webhook-timestamp': String(Math.floor(at / 1000)),
          'webhook-signature': signature,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      record.status = response.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    this.attempts.push(record);
    if (record.status < 200 || record.status > 299) this.#retryLater(hook, body, messageId, attempt);
    return record;
  }

  #retryLater(hook: SandboxWebhook, body: string, messageId: string, failedAttempt: number) {
    const delay = RETRY_DELAYS_SECONDS[failedAttempt - 1];
    if (delay === undefined) {
      hook.isActive = false;
      hook.updatedAt = new Date(this.#scheduler.now()).toISOString();
      this.options.onDeactivated?.(hook);
      return;
    }
    this.#scheduler.schedule(delay * 1000, async () => {
      if (!hook.isActive || !this.#isCurrent(hook)) return;
      await this.#attempt(hook, body, messageId, failedAttempt + 1);
    });
  }
}

/**
 * Replaces a running sandbox's HTTPS delivery (its scheduler, secrets, timeout) with a new one, for a
 * sandbox started by someone else (the offline stack's); a sandbox of one's own takes it as its
 * `httpsDelivery` option instead. Returns the delivery, whose `attempts` record every POST.
 */
export const configureHttpsDelivery = (
  state: SandboxState,
  options: Partial<HttpsDeliveryOptions> = {},
): HttpsDelivery => new HttpsDelivery(options).serve(state);

/** A sandbox's HTTPS delivery: as given or configured, or real timers and the sandbox app's secret. */
export const httpsDeliveryOf = (state: SandboxState): HttpsDelivery =>
  deliveries.get(state) ?? new HttpsDelivery().serve(state);
