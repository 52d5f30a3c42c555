import { isScopePattern, toCatalogPattern } from '../bigcommerce/scopes/index.js';

/** True for a scope BigCommerce accepts: a catalog scope, a family wildcard, or either with a concrete channel id. */
export const isSubscribableScope = (scope: string) => {
  return !scope.includes('{channel_id}') && isScopePattern(toCatalogPattern(scope));
};

/** Why `scope` cannot be subscribed, or `undefined` when it can. */
export const scopeProblem = (scope: string): string | undefined => {
  if (scope.includes('{channel_id}')) {
    return `${scope} needs a concrete channel id in place of {channel_id}, e.g. ${scope.replace('{channel_id}', '1')}`;
  }
  return isSubscribableScope(scope)
    ? undefined
    : `${scope} is not a webhook scope or family wildcard of the catalog`;
};

/** True when wildcard `pattern` (`.../*`) covers `scope` (and is not `scope` itself). */
export const covers = (pattern: string, scope: string) =>
  pattern !== scope && pattern.endsWith('/*') && scope.startsWith(pattern.slice(0, -1));

/**
 * The webhooks to keep: duplicates removed, and scopes dropped when a wildcard in the same list covers
 * them (BigCommerce would deliver such an event twice, once per webhook). Sorted, for stable output.
 */
export const collapseScopes = (scopes: readonly string[]) => {
  const unique = [...new Set(scopes)];
  return unique.filter((scope) => !unique.some((other) => covers(other, scope))).sort();
};
