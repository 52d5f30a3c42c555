import {
  type CatalogScope,
  catalogScopes,
  type ScopePattern,
  wildcardsOf,
} from '../../shared/bigcommerce/scopes/index.js';
import type { BigCommerceEvent, HandlerContext, HandlerRegistry } from './handlers/types.js';

/** A registered handler with its types erased: the registry's mapped type has already checked it. */
export type RoutedHandler = (
  event: BigCommerceEvent<CatalogScope>,
  context: HandlerContext,
) => Promise<void> | void;

export interface Route {
  /** The scope or wildcard the handler is registered under. */
  pattern: ScopePattern;
  handle: RoutedHandler;
}

/**
 * Resolves each catalog scope to its handler once, at init: the exact scope first, then its family
 * wildcards from the most specific (`store/product/metafield/*`) to the widest (`store/product/*`).
 */
export const createRouter = (handlers: HandlerRegistry): ((scope: CatalogScope) => Route | undefined) => {
  const registered = handlers as Partial<Record<ScopePattern, RoutedHandler>>;
  const routes = new Map<CatalogScope, Route>();
  for (const scope of catalogScopes) {
    const patterns: ScopePattern[] = [scope, ...wildcardsOf(scope)];
    for (const pattern of patterns) {
      const handle = registered[pattern];
      if (handle) {
        routes.set(scope, { pattern, handle });
        break;
      }
    }
  }
  return (scope) => routes.get(scope);
};
