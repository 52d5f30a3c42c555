import type * as z from 'zod/mini';
import { b2bScopes } from './b2b.js';
import { channelScopes } from './channel.js';
import { inventoryScopes } from './inventory.js';
import { storeScopes } from './store.js';

/**
 * Every BigCommerce webhook scope we know, mapped to a memoized thunk that builds the zod schema of its
 * payload's `data`. This object is the catalog: the types below derive from it, and so does everything
 * that lists scopes. Its keys cost nothing; a schema is built the first time {@link schemaOf} asks for
 * it, so a cold start pays only for the scopes it receives.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
export const catalog = { ...storeScopes, ...channelScopes, ...inventoryScopes, ...b2bScopes } as const;

/** A scope as the catalog writes it; channel scopes keep their `{channel_id}` placeholder. */
export type CatalogScope = keyof typeof catalog;

/** The zod schema of the `data` of a payload of scope `S`. */
export type CatalogSchema<S extends CatalogScope> = ReturnType<(typeof catalog)[S]>;

/** The `data` of a payload of scope `S`. */
export type ScopeData<S extends CatalogScope> = z.infer<CatalogSchema<S>>;

/** The `data` schema of a scope, built on first use; scopes of one family share one instance. */
export const schemaOf = <S extends CatalogScope>(scope: S): CatalogSchema<S> =>
  catalog[scope]() as CatalogSchema<S>;

/** The `scope` string a payload of catalog scope `S` carries: the channel placeholder becomes a number. */
export type PayloadScope<S extends string> = S extends `${infer A}{channel_id}${infer B}`
  ? `${A}${number}${B}`
  : S;

type Prefixes<S extends string, Acc extends string = ''> = S extends `${infer Head}/${infer Rest}`
  ? `${Acc}${Head}` | Prefixes<Rest, `${Acc}${Head}/`>
  : never;

/**
 * A family wildcard such as `store/order/*` or `store/channel/{channel_id}/cart/*`: every prefix of a
 * catalog scope, two segments or more, followed by `/*`.
 */
export type ScopeWildcard = Exclude<`${Prefixes<CatalogScope>}/*`, 'store/*' | `${string}*/${string}`>;

/** The catalog scopes a wildcard covers. */
export type ScopesMatching<W extends string> = W extends `${infer P}/*`
  ? Extract<CatalogScope, `${P}/${string}`>
  : never;

/** What a subscription or a handler can name: one catalog scope, or a family wildcard. */
export type ScopePattern = CatalogScope | ScopeWildcard;

/** Every catalog scope, in catalog order. Listing them builds no schema. */
export const catalogScopes = Object.keys(catalog) as CatalogScope[];

const CHANNEL_ID = '{channel_id}';
const CHANNEL_SCOPE = /^store\/channel\/(\d+)\/(.+)$/;

// A Set, not Object.hasOwn on the catalog: the catalog object has too many keys for a fast property lookup,
// and this runs once per consumed record.
const catalogScopeSet: ReadonlySet<string> = new Set(catalogScopes);

/** True when `scope` is written exactly as a catalog key. */
export const isCatalogScope = (scope: string): scope is CatalogScope => catalogScopeSet.has(scope);

/** A payload scope resolved against the catalog. */
export interface ResolvedScope {
  scope: CatalogScope;
  /** The channel id of a `store/channel/{channel_id}/...` scope. */
  channelId?: number;
}

/**
 * A scope as the catalog writes it: a concrete channel id becomes `{channel_id}`
 * (`store/channel/7/cart/*` -> `store/channel/{channel_id}/cart/*`); anything else is returned unchanged.
 */
export const toCatalogPattern = (scope: string): string => {
  const channel = CHANNEL_SCOPE.exec(scope);
  return channel ? `store/channel/${CHANNEL_ID}/${channel[2]}` : scope;
};

/**
 * Finds the catalog entry for the `scope` string of a payload: `store/channel/7/cart/created` resolves
 * to `store/channel/{channel_id}/cart/created` with channel 7. Unknown scopes resolve to `undefined`.
 */
export const resolveScope = (scope: string): ResolvedScope | undefined => {
  if (isCatalogScope(scope)) return { scope };
  const channel = CHANNEL_SCOPE.exec(scope);
  if (channel?.[1] === undefined) return undefined;
  const template = `store/channel/${CHANNEL_ID}/${channel[2]}`;
  return isCatalogScope(template) ? { scope: template, channelId: Number(channel[1]) } : undefined;
};

/** The family wildcards that cover `scope`, most specific first (`store/order/refund/*`, then `store/order/*`). */
export const wildcardsOf = (scope: CatalogScope): ScopeWildcard[] => {
  const segments = scope.split('/');
  const wildcards: string[] = [];
  for (let length = segments.length - 1; length >= 2; length -= 1) {
    const prefix = segments.slice(0, length);
    if (prefix.includes('*')) continue;
    wildcards.push(`${prefix.join('/')}/*`);
  }
  return wildcards as ScopeWildcard[];
};

const wildcardSet = new Set<string>(catalogScopes.flatMap(wildcardsOf));

/** True when `pattern` is a catalog scope or a family wildcard of one. */
export const isScopePattern = (pattern: string): pattern is ScopePattern =>
  isCatalogScope(pattern) || wildcardSet.has(pattern);

/** The catalog scopes a scope or wildcard covers. */
export const expandPattern = (pattern: ScopePattern): CatalogScope[] =>
  isCatalogScope(pattern) ? [pattern] : catalogScopes.filter((scope) => wildcardsOf(scope).includes(pattern));
