import { compile } from 'zod/v4/core';
import './messages.js';
import {
  type BigCommerceEventBridgeEvent,
  type BigCommercePayload,
  BigCommercePayloadSchema,
  describeIssues,
  storeHashOf,
} from './envelope.js';
import { INGRESS_ATTRIBUTES, STORE_HASH_PATTERN, TRANSPORTS } from './ingress-message.js';
import { EventBridgeEventValidator } from './validate.js';

/** An SQS record as Lambda's event source mapping hands it over (`messageAttributes` in Lambda's casing). */
export interface EnvelopeRecord {
  body: string;
  messageAttributes?: Record<string, { stringValue?: string; dataType?: string } | undefined>;
}

/** One event as it arrived, whichever transport carried it; everything after the envelope is the same. */
export type Envelope =
  | {
      transport: 'eventbridge';
      payload: BigCommercePayload;
      /** The store the payload names as its producer, lower-cased. */
      storeHash: string;
      event: BigCommerceEventBridgeEvent;
    }
  | {
      transport: 'https';
      payload: BigCommercePayload;
      storeHash: string;
      /** The Standard Webhooks delivery id BigCommerce signed. */
      webhookId: string;
    };

/** Why a record is not an event: the consumer fails it with this reason (retried, then the DLQ). */
export type EnvelopeRejection = {
  reason: 'malformed-json' | 'not-a-bigcommerce-event' | 'producer-mismatch';
  detail: string;
  /** Set for `producer-mismatch`: the event was read, so its lines can carry its keys. */
  envelope?: Envelope;
};

export type EnvelopeResult = { ok: true; envelope: Envelope } | ({ ok: false } & EnvelopeRejection);

export interface EnvelopeOptions {
  /**
   * The store an EventBridge source's name is for (`sourceStoreReader` of envelope.ts), or `undefined`
   * for a custom name: such a source carries only that store's events. Required, so no caller reads an
   * EventBridge event without the producer check the consumer applies (functions/consume/consume.ts).
   */
  sourceStoreOf: (source: string) => string | undefined;
}

/** The ingress message's body, compiled as the EventBridge event's validator is (validate.ts). */
const PayloadValidator = compile(BigCommercePayloadSchema);

const reject = (
  reason: EnvelopeRejection['reason'],
  detail: string,
  envelope?: Envelope,
): EnvelopeResult => ({
  ok: false,
  reason,
  detail,
  ...(envelope && { envelope }),
});

/**
 * Reads one SQS record as an event of either transport: no `transport` attribute, an EventBridge event
 * whose `detail` is the payload; `transport: https`, the ingress's raw payload with its `store-hash` and
 * `webhook-id`. The store the transport vouches for (the EventBridge source's name, the ingress URL's
 * store) must be the payload's producer. A transport this module does not know is refused, not guessed.
 */
export const readEnvelope = (record: EnvelopeRecord, options: EnvelopeOptions): EnvelopeResult => {
  const attribute = (name: string) => record.messageAttributes?.[name]?.stringValue;
  const transport = attribute(INGRESS_ATTRIBUTES.transport);
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch (error) {
    return reject('malformed-json', error instanceof Error ? error.message : String(error));
  }

  if (transport === undefined || transport === 'eventbridge') {
    const parsed = EventBridgeEventValidator.safeParse(json);
    if (!parsed.success) return reject('not-a-bigcommerce-event', describeIssues(parsed.error));
    const event = parsed.data;
    const envelope: Envelope = {
      transport: 'eventbridge',
      payload: event.detail,
      storeHash: storeHashOf(event.detail),
      event,
    };
    const sourceStore = options.sourceStoreOf(event.source);
    if (sourceStore !== undefined && sourceStore !== envelope.storeHash) {
      return reject(
        'producer-mismatch',
        `producer ${event.detail.producer} is not store ${sourceStore}, whose event source ${event.source} it came through`,
        envelope,
      );
    }
    return { ok: true, envelope };
  }

  if (transport !== 'https') {
    return reject(
      'not-a-bigcommerce-event',
      `message attribute ${INGRESS_ATTRIBUTES.transport} is ${JSON.stringify(transport)}; expected one of ${TRANSPORTS.join(', ')}`,
    );
  }
  const webhookId = attribute(INGRESS_ATTRIBUTES.webhookId);
  const vouched = attribute(INGRESS_ATTRIBUTES.storeHash);
  const missing = [
    ...(webhookId ? [] : [INGRESS_ATTRIBUTES.webhookId]),
    ...(vouched && STORE_HASH_PATTERN.test(vouched) ? [] : [INGRESS_ATTRIBUTES.storeHash]),
  ];
  if (!webhookId || !vouched || missing.length > 0) {
    return reject(
      'not-a-bigcommerce-event',
      `an https message needs the message attributes ${missing.join(' and ')} (a store hash for ${INGRESS_ATTRIBUTES.storeHash})`,
    );
  }
  const parsed = PayloadValidator.safeParse(json);
  if (!parsed.success) return reject('not-a-bigcommerce-event', describeIssues(parsed.error));
  const envelope: Envelope = {
    transport: 'https',
    payload: parsed.data,
    storeHash: storeHashOf(parsed.data),
    webhookId,
  };
  if (envelope.storeHash !== vouched) {
    return reject(
      'producer-mismatch',
      `producer ${parsed.data.producer} is not store ${vouched}, whose ingress URL it was posted to`,
      envelope,
    );
  }
  return { ok: true, envelope };
};
