/**
 * The queue carries BigCommerce events by two transports: EventBridge (the rule's target puts the whole
 * EventBridge event in the body, with no message attributes) and HTTPS (the ingest function puts the raw
 * BigCommerce payload in the body, as BigCommerce POSTed and signed it, and says so in the attributes
 * below). This module is the one contract between the ingress and the consumer; it imports nothing, so
 * the ingest bundle stays small (the consumer's reader of both is transport-envelope.ts).
 * @see reference/bigcommerce-webhooks.md §2.2 and §9
 */
export const TRANSPORTS = ['eventbridge', 'https'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** The SQS message attributes of an ingress message (SQS names: letters, digits, `-`, `_`, `.`). */
export const INGRESS_ATTRIBUTES = {
  /** `https`: the transport that carried the event (absent on EventBridge's messages). */
  transport: 'transport',
  /** The Standard Webhooks `webhook-id` header: the same on every retry of one delivery. */
  webhookId: 'webhook-id',
  /** The store of the ingress URL (`/webhooks/{storeHash}`), lower-cased; the payload's producer matched it. */
  storeHash: 'store-hash',
} as const;

/** Store hashes as BigCommerce issues them, and as the ingress path must carry them. */
export const STORE_HASH_PATTERN = /^[a-z0-9]{1,64}$/;

/** `webhook-id` is the delivery's id, not data: long ones are refused so the attributes fit SQS's size limit. */
export const MAX_WEBHOOK_ID_LENGTH = 256;

/** An SQS string message attribute, as SendMessage takes it. */
export interface StringAttribute {
  DataType: 'String';
  StringValue: string;
}

/** What the ingress sends: SendMessage's body and attributes. */
export interface IngressMessage {
  MessageBody: string;
  MessageAttributes: Record<(typeof INGRESS_ATTRIBUTES)[keyof typeof INGRESS_ATTRIBUTES], StringAttribute>;
}

const text = (StringValue: string): StringAttribute => ({ DataType: 'String', StringValue });

/**
 * The message for one verified HTTPS delivery: the body exactly as BigCommerce sent it (never re-encoded,
 * so the consumer sees the bytes that were signed), and the transport, delivery id and store beside it.
 */
export const ingressMessageOf = (delivery: {
  rawBody: string;
  webhookId: string;
  storeHash: string;
}): IngressMessage => ({
  MessageBody: delivery.rawBody,
  MessageAttributes: {
    [INGRESS_ATTRIBUTES.transport]: text('https'),
    [INGRESS_ATTRIBUTES.webhookId]: text(delivery.webhookId),
    [INGRESS_ATTRIBUTES.storeHash]: text(delivery.storeHash.toLowerCase()),
  },
});
