import * as z from 'zod/mini';

/**
 * Building blocks for the `data` part of BigCommerce webhook payloads.
 *
 * Objects are loose: BigCommerce adds fields over time, and a handler should see them rather than have
 * them stripped. The fields the docs promise are required and typed.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
export const Id = z.int();
export const Uuid = z.string().check(z.minLength(1));

/** `{type, id}` with a literal type, the shape of most resource events. */
export const resource = <const T extends string, I extends z.ZodMiniType>(type: T, id: I) =>
  z.looseObject({ type: z.literal(type), id });

/** Metafield events: `{metafield_id, resource_id}` where `resource_id` is a string in every sample. */
export const MetafieldData = z.looseObject({ metafield_id: Id, resource_id: z.string() });

export const MetafieldWithTypeData = z.extend(MetafieldData, { resource_type: z.string() });

/** A payload whose documented `data` is empty or undocumented: any object, fields kept. */
export const AnyObject = z.looseObject({});

export const idOnly = <const K extends string>(key: K) =>
  z.looseObject({ [key]: Id } as { [P in K]: typeof Id });

/**
 * Builds one catalog entry per verb under a prefix, all sharing one data schema.
 * `family('store/category', ['created', 'updated'], S)` -> `{ 'store/category/created': S, ... }`.
 */
export const family = <const P extends string, const V extends readonly string[], S extends z.ZodMiniType>(
  prefix: P,
  verbs: V,
  schema: S,
): { [K in `${P}/${V[number]}`]: S } =>
  Object.fromEntries(verbs.map((verb) => [`${prefix}/${verb}`, schema])) as {
    [K in `${P}/${V[number]}`]: S;
  };
