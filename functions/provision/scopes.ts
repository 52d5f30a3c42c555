import {
  type CatalogScope,
  expandPattern,
  isScopePattern,
  type ScopePattern,
  toCatalogPattern,
} from '../../shared/bigcommerce/scopes/index.js';
import { isCovered } from '../../shared/bigcommerce/scopes/subscribed.js';

/**
 * The scopes subscribed when a request names none: the subscribed list (SUBSCRIBED_SCOPES, which the
 * consumer's registry matches), so the service listens to exactly what it handles. `{channel_id}` entries
 * cannot be subscribed without a channel id and are skipped.
 */
export const defaultScopes = (subscribed: readonly ScopePattern[]): string[] =>
  subscribed.filter((scope) => !scope.includes('{channel_id}'));

/** The requested scopes that cover a catalog scope with no handler module (empty when all are handled). */
export const unhandledScopes = (scopes: string[], subscribed: readonly ScopePattern[]) =>
  scopes.filter((scope) => {
    const pattern = toCatalogPattern(scope);
    const covered: CatalogScope[] = isScopePattern(pattern) ? expandPattern(pattern) : [];
    return covered.some((catalogScope) => !isCovered(catalogScope, subscribed));
  });
