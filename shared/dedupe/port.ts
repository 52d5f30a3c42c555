/**
 * The consumer's dedupe port: BigCommerce delivers an event at least once, so the core runs a handler
 * through this port, which lets each event through once per window. The core depends on this file only;
 * {@link ./idempotency.ts} implements it with Powertools idempotency on DynamoDB.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks (duplicates: store processed `hash` values)
 */

/**
 * What identifies one BigCommerce event: every field a redelivery of it shares. The payload's `hash` alone
 * is not enough: BigCommerce documents it as "the SHA-1 hash of the JSON-encoded payload data", so every
 * `store/order/updated` of one order may carry the same hash.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events#callback-structure
 */
export interface EventKey {
  /** The producer's store hash, lower-cased: `stores/K7Q2...` and `stores/k7q2...` are one store. */
  storeHash: string;
  /** The payload's scope as sent, channel id included. */
  scope: string;
  /** The payload's `created_at` (Unix seconds), or {@link NO_CREATED_AT} when it has none. */
  createdAt: string;
  /** The payload's 40-hex SHA-1, lower-cased. */
  hash: string;
  /**
   * The payload's `data` as parsed from the body, before validation (fields outside its schema included).
   * Kept as the parsed value, not its JSON text: an adapter serializes it once, when it needs the key as
   * text ({@link keyOf}), and one that keeps nothing (a pass-through in a test) pays nothing. Never
   * mutated: the handler receives the validator's copy.
   */
  data: unknown;
}

/** The `createdAt` of a payload without `created_at`: such deliveries differ only in their other fields. */
export const NO_CREATED_AT = 'none';

/** The part of a payload an {@link EventKey} is made of; `data` exactly as it was parsed from the body. */
export interface KeyedPayload {
  scope: string;
  created_at?: number | undefined;
  hash: string;
  data: unknown;
}

/** The key of `payload`, produced by store `storeHash` (lower-cased by the caller). */
export const eventKeyOf = (payload: KeyedPayload, storeHash: string): EventKey => ({
  storeHash,
  scope: payload.scope,
  createdAt: payload.created_at === undefined ? NO_CREATED_AT : String(payload.created_at),
  hash: payload.hash.toLowerCase(),
  data: payload.data,
});

/**
 * The JSON text of a key's `data`: the same for every copy of the event whatever its spacing, since it is
 * the text of a value JSON.parse made (`''` for a payload without `data`).
 */
export const dataTextOf = (key: EventKey): string => JSON.stringify(key.data) ?? '';

/**
 * Which delivery of an event ran its handler, remembered so a later duplicate can name it in its log line:
 * the SQS message, and the EventBridge event's id or the HTTPS delivery's `webhook-id` (whichever transport
 * carried it; a copy by the other transport is still a duplicate, as the key has no transport in it).
 */
export interface Delivery {
  messageId: string;
  eventBridgeId?: string;
  webhookId?: string;
}

/**
 * What {@link Dedupe.once} did with the work it was given: ran it; ran it but could not record it done
 * (`ranUnrecorded`: the store refused the completion until time ran out, so a copy arriving once the
 * event's lock lapses would run it again; `error` says why); or skipped a duplicate.
 */
export type DedupeOutcome =
  | { status: 'ran' }
  | { status: 'ranUnrecorded'; error: unknown }
  | { status: 'duplicate'; first: Delivery | undefined };

/** Runs a piece of work at most once per {@link EventKey} within the dedupe window. */
export interface Dedupe {
  /**
   * Runs `work` unless the event already completed within the window, and records it as done only when
   * `work` resolves: when it throws, the error propagates and a later delivery runs it again. Throws
   * {@link EventInProgressError} while another invocation is running the same event, and the store's
   * failure when it fails before `work` runs; once `work` resolved it never throws (`ranUnrecorded`).
   */
  once(key: EventKey, delivery: Delivery, work: () => Promise<void>): Promise<DedupeOutcome>;
}

/** Another invocation holds the event right now; fail this copy so SQS retries it after that one finishes. */
export class EventInProgressError extends Error {
  override readonly name = 'EventInProgressError';
}

/**
 * The whole key as one string, for in-process bookkeeping. Only `data`, the last field, may hold `#`:
 * store hashes, timestamps and SHA-1s are alphanumeric and only catalog scopes reach dedupe. `dataText`
 * is {@link dataTextOf}'s answer when the caller already has it.
 */
export const keyOf = (key: EventKey, dataText: string = dataTextOf(key)): string =>
  `${key.storeHash}#${key.scope}#${key.createdAt}#${key.hash}#${dataText}`;
