import { describe, expect, it } from 'vitest';
import { handlers } from '../../../functions/consume/handlers/registry.js';
import { createRouter } from '../../../functions/consume/router.js';
import { catalogScopes } from '../../../shared/bigcommerce/scopes/index.js';
import { isCovered, SUBSCRIBED_SCOPES } from '../../../shared/bigcommerce/scopes/subscribed.js';

describe('Subscribed scopes', () => {
  it('lists each scope the registry has a handler for, once, and nothing else', () => {
    expect(new Set(SUBSCRIBED_SCOPES).size).toBe(SUBSCRIBED_SCOPES.length);
    expect([...SUBSCRIBED_SCOPES].sort()).toEqual(Object.keys(handlers).sort());
  });

  it('covers a catalog scope exactly when the consumer routes it to a handler', () => {
    // Prepare
    const route = createRouter(handlers);

    // Act
    const covered = catalogScopes.filter((scope) => isCovered(scope, SUBSCRIBED_SCOPES));

    // Assess
    expect(covered).toEqual(catalogScopes.filter((scope) => route(scope) !== undefined));
    expect(covered).toContain('store/product/inventory/updated');
    expect(covered).not.toContain('store/order/updated');
  });

  it('covers a scope through its own wildcard only, not a sibling family', () => {
    expect(isCovered('store/order/refund/created', ['store/order/*'])).toBe(true);
    expect(isCovered('store/order/created', ['store/order/refund/*'])).toBe(false);
    expect(isCovered('store/cart/created', [])).toBe(false);
  });
});
