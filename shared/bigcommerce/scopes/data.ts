import * as z from 'zod/mini';

/**
 * Building blocks for the `data` part of BigCommerce webhook payloads.
 *
 * Objects are loose: BigCommerce adds fields over time, and a handler should see them rather than have
 * them stripped. The fields the docs promise are required and typed.
 *
 * Object schemas are lazy thunks, built on first use: each zod/mini construction costs tens of
 * microseconds, and the consumer's cold start should pay only for the scopes it receives.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
export const Id = z.int();
export const Uuid = z.string().check(z.minLength(1));

/** Wraps `build` so it runs on the first call only; every call returns that first result. */
export const lazy = <T>(build: () => T): (() => T) => {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
};

/** `{type, id}` with a literal type, the shape of most resource events. */
export const resource = <const T extends string, I extends z.ZodMiniType>(type: T, id: I) =>
  z.looseObject({ type: z.literal(type), id });

/** Metafield events: `{metafield_id, resource_id}` where `resource_id` is a string in every sample. */
export const MetafieldData = lazy(() => z.looseObject({ metafield_id: Id, resource_id: z.string() }));

export const MetafieldWithTypeData = lazy(() => z.extend(MetafieldData(), { resource_type: z.string() }));

/** A payload whose documented `data` is empty or undocumented: any object, fields kept. */
export const AnyObject = lazy(() => z.looseObject({}));

export const idOnly = <const K extends string>(key: K) =>
  z.looseObject({ [key]: Id } as { [P in K]: typeof Id });

/**
 * Builds one catalog entry per verb under a prefix, all sharing one lazy data schema.
 * `family('store/category', ['created', 'updated'], S)` -> `{ 'store/category/created': S, ... }`.
 */
export const family = <
  const P extends string,
  const V extends readonly string[],
  S extends () => z.ZodMiniType,
>(
  prefix: P,
  verbs: V,
  schema: S,
): { [K in `${P}/${V[number]}`]: S } =>
  Object.fromEntries(verbs.map((verb) => [`${prefix}/${verb}`, schema])) as {
    [K in `${P}/${V[number]}`]: S;
  };
