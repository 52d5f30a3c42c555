import * as z from 'zod/mini';
import { BigCommerceEventBridgeEventSchema, BigCommercePayloadSchema } from '../bigcommerce/envelope.js';

/** The count key of a body that is not JSON. */
export const MALFORMED = '(malformed)';
/** The count key of a JSON body that is neither a BigCommerce EventBridge event nor a BigCommerce payload. */
export const UNKNOWN = '(unknown)';

/**
 * The webhook scope of a queue message body, whichever transport carried it: an EventBridge event's
 * `detail.scope`, or the `scope` of the raw BigCommerce payload the HTTPS ingress queues
 * (shared/bigcommerce/ingress-message.ts); {@link MALFORMED} when it is not JSON, {@link UNKNOWN} when it
 * is JSON of another shape. It reads the body only: whether the message attributes match is the verdict's say.
 */
export const scopeOfBody = (body: string): string => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return MALFORMED;
  }
  const event = z.safeParse(BigCommerceEventBridgeEventSchema, value);
  if (event.success) return event.data.detail.scope;
  const payload = z.safeParse(BigCommercePayloadSchema, value);
  return payload.success ? payload.data.scope : UNKNOWN;
};

/** Adds one to the count of `key`. */
export const countInto = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
