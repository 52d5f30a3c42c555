import {
  type CatalogScope,
  expandPattern,
  isScopePattern,
  toCatalogPattern,
} from '../../shared/bigcommerce/scopes/index.js';
import type { HandlerRegistry } from '../consume/handlers/types.js';
import { createRouter } from '../consume/router.js';

/**
 * The scopes subscribed when a request names none: the handler registry's keys, so the service listens to
 * exactly what it handles. `{channel_id}` keys cannot be subscribed without a channel id and are skipped.
 */
export const defaultScopes = (handlers: HandlerRegistry) =>
  Object.keys(handlers).filter((scope) => !scope.includes('{channel_id}'));

/** The requested scopes that cover a catalog scope with no handler module (empty when all are handled). */
export const unhandledScopes = (scopes: string[], handlers: HandlerRegistry) => {
  const route = createRouter(handlers);
  return scopes.filter((scope) => {
    const pattern = toCatalogPattern(scope);
    const covered: CatalogScope[] = isScopePattern(pattern) ? expandPattern(pattern) : [];
    return covered.some((catalogScope) => !route(catalogScope));
  });
};
