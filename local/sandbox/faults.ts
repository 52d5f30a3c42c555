/**
 * A fault the sandbox injects into the next matching GraphQL request(s). Tests and the offline stack add
 * them in process (`sandbox.faults.add`) or over HTTP (`POST /__sandbox/faults` with this JSON).
 */
export interface Fault {
  /** Only requests whose GraphQL document contains this text (e.g. `createEventBridgeWebhook`); all when absent. */
  match?: string;
  /** Answer with this HTTP status: 429 carries `X-Rate-Limit-Time-Reset-Ms`, others a JSON error body. */
  status?: number;
  /** With 429: the wait announced in `X-Rate-Limit-Time-Reset-Ms` (default 100). */
  resetMs?: number;
  /** Wait this long before doing anything else. */
  delayMs?: number;
  /** Run the request first, then answer with `status`: the change happened but the caller cannot know. */
  afterExecute?: boolean;
  /** Close the connection without answering: a network error for the caller. */
  drop?: boolean;
  /** How many matching requests it affects (default 1). */
  times?: number;
}

/** Pending faults, consumed in the order they were added. */
export class FaultQueue {
  private readonly pending: { fault: Fault; left: number }[] = [];

  /** Queues a fault. */
  add(fault: Fault) {
    this.pending.push({ fault, left: fault.times ?? 1 });
  }

  /** Drops every pending fault. */
  clear() {
    this.pending.length = 0;
  }

  /** How many faults still wait for a request. */
  get size() {
    return this.pending.length;
  }

  /** The first fault that applies to `document`, counted as used. */
  take(document: string): Fault | undefined {
    const entry = this.pending.find(({ fault }) => !fault.match || document.includes(fault.match));
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left <= 0) this.pending.splice(this.pending.indexOf(entry), 1);
    return entry.fault;
  }
}
