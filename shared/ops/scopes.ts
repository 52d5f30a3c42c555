import * as z from 'zod/mini';
import { BigCommerceEventBridgeEventSchema } from '../bigcommerce/envelope.js';

/** The count key of a body that is not JSON. */
export const MALFORMED = '(malformed)';
/** The count key of a JSON body that is not a BigCommerce EventBridge event. */
export const UNKNOWN = '(unknown)';

/**
 * The webhook scope of a queue message body (an EventBridge event carrying a BigCommerce payload),
 * {@link MALFORMED} when it is not JSON, {@link UNKNOWN} when it is JSON of another shape.
 */
export const scopeOfBody = (body: string): string => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return MALFORMED;
  }
  const event = z.safeParse(BigCommerceEventBridgeEventSchema, value);
  return event.success ? event.data.detail.scope : UNKNOWN;
};

/** Adds one to the count of `key`. */
export const countInto = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
