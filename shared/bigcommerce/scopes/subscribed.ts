import { type CatalogScope, type ScopePattern, wildcardsOf } from './index.js';

/**
 * The scopes and family wildcards this service handles, one per handler module under
 * functions/consume/handlers/: provisioning subscribes exactly these by default, and the consumer's
 * registry must register a handler under each of them and under nothing else (registry.ts is typed
 * against this list, so the two cannot disagree and still compile). It is data, not code, so provision
 * reads it without bundling the handler modules. An entry that is not a catalog scope or a family wildcard
 * does not compile. `npm run new-handler -- <scope>` adds its scope here, in order.
 */
export const SUBSCRIBED_SCOPES = [
  'store/app/uninstalled',
  'store/category/updated',
  'store/order/created',
  'store/product/*',
] as const satisfies readonly ScopePattern[];

/** A scope or wildcard the service handles. */
export type SubscribedScope = (typeof SUBSCRIBED_SCOPES)[number];

/**
 * True when a catalog scope is covered by `subscribed`: the scope itself, or one of its family wildcards,
 * the same patterns the consumer's router tries for it.
 */
export const isCovered = (scope: CatalogScope, subscribed: readonly ScopePattern[]): boolean =>
  subscribed.includes(scope) || wildcardsOf(scope).some((wildcard) => subscribed.includes(wildcard));
