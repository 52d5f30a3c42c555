/**
 * The consumer's dedupe port: BigCommerce delivers an event at least once, so the core runs a handler
 * through this port, which lets each event through once per window. The core depends on this file only;
 * {@link ./idempotency.ts} implements it with Powertools idempotency on DynamoDB.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks (duplicates: store processed `hash` values)
 */

/** What identifies one BigCommerce event: the store it came from and the payload's `hash`. */
export interface EventKey {
  storeHash: string;
  /** The payload's 40-hex SHA-1, lower-cased. */
  hash: string;
}

/** Which delivery of an event ran its handler, remembered so a later duplicate can name it in its log line. */
export interface Delivery {
  messageId: string;
  eventBridgeId: string;
}

/** What {@link Dedupe.once} did with the work it was given. */
export type DedupeOutcome = { status: 'ran' } | { status: 'duplicate'; first: Delivery | undefined };

/** Runs a piece of work at most once per {@link EventKey} within the dedupe window. */
export interface Dedupe {
  /**
   * Runs `work` unless the event already completed within the window, and records it as done only when
   * `work` resolves: when it throws, the error propagates and a later delivery runs it again. Throws
   * {@link EventInProgressError} while another invocation is running the same event.
   */
  once(key: EventKey, delivery: Delivery, work: () => Promise<void>): Promise<DedupeOutcome>;
}

/** Another invocation holds the event right now; fail this copy so SQS retries it after that one finishes. */
export class EventInProgressError extends Error {
  override readonly name = 'EventInProgressError';
}

/** The key as one string, for logs and in-process bookkeeping. */
export const keyOf = ({ storeHash, hash }: EventKey): string => `${storeHash}#${hash}`;
