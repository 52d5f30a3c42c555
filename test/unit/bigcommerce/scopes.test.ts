import { describe, expect, it } from 'vitest';
import { sampleData } from '../../../shared/bigcommerce/samples.js';
import {
  type CatalogScope,
  catalogScopes,
  expandPattern,
  isScopePattern,
  resolveScope,
  schemaOf,
  wildcardsOf,
} from '../../../shared/bigcommerce/scopes/index.js';

const families = (prefix: string) => catalogScopes.filter((scope) => scope.startsWith(prefix));

describe('Scope catalog', () => {
  it.each([
    ['store/brand/metafield/', 3],
    ['store/cart/', 12],
    ['store/category/', 6],
    ['store/customer/', 8],
    ['store/order/', 11],
    ['store/priceList', 14],
    ['store/product/', 11],
    ['store/sku/', 5],
    ['store/channel/{channel_id}/', 58],
    ['store/channel/*/inventory/product/', 4],
    ['store/inventory/location/', 5],
    ['store/company/', 11],
    ['store/superadmin/', 4],
    ['store/quote/', 4],
  ])('lists the %s family (%i scopes)', (prefix, count) => {
    expect(families(prefix)).toHaveLength(count);
  });

  it.each(catalogScopes)('accepts the documented sample data of %s', (scope) => {
    expect(schemaOf(scope).safeParse(sampleData(scope)).success).toBe(true);
  });

  it.each(
    catalogScopes.filter((scope) => {
      const sample = sampleData(scope);
      return Array.isArray(sample) || Object.keys(sample as object).length > 0;
    }),
  )('rejects data of %s that lacks its documented fields', (scope) => {
    expect(schemaOf(scope).safeParse({}).success).toBe(false);
  });

  it.each<[CatalogScope, unknown]>([
    ['store/order/statusUpdated', { type: 'order', id: 1, status: { previous_status_id: 0 } }],
    ['store/order/created', { type: 'category', id: 1 }],
    [
      'store/order/transaction/created',
      { ...(sampleData('store/order/transaction/created') as object), order_id: 1 },
    ],
    ['store/cart/created', { type: 'cart', id: 12 }],
    ['store/priceList/records/updated', { price_list_id: 1, variant_id: 2 }],
    [
      'store/product/inventory/updated',
      { type: 'product', id: 1, inventory: { product_id: 1, method: 'x', value: 1 } },
    ],
    ['store/hook/deliveryException', { type: 'webhook', id: 1, error_code: 12345, message: 'x' }],
    ['store/channel/{channel_id}/order/created', { order_id: '5' }],
    ['store/company/user/created', { company_id: 1 }],
  ])('rejects a %s payload that contradicts the docs', (scope, data) => {
    expect(schemaOf(scope).safeParse(data).success).toBe(false);
  });

  it('keeps undocumented fields in data', () => {
    const parsed = schemaOf('store/category/created').parse({ type: 'category', id: 1, added_later: 'x' });
    expect(parsed).toEqual({ type: 'category', id: 1, added_later: 'x' });
  });
});

describe('Scope resolution', () => {
  it.each<[string, ReturnType<typeof resolveScope>]>([
    ['store/order/created', { scope: 'store/order/created' }],
    [
      'store/channel/12/cart/lineItem/created',
      { scope: 'store/channel/{channel_id}/cart/lineItem/created', channelId: 12 },
    ],
    [
      'store/channel/*/inventory/product/stock_changed',
      { scope: 'store/channel/*/inventory/product/stock_changed' },
    ],
    ['store/channel/created', { scope: 'store/channel/created' }],
    ['store/channel/abc/cart/created', undefined],
    ['store/channel/1/teleporter/created', undefined],
    ['store/order/*', undefined],
    ['store/teleporter/created', undefined],
  ])('resolves %s', (scope, expected) => {
    expect(resolveScope(scope)).toEqual(expected);
  });

  it('lists wildcards from the most specific to the family', () => {
    expect(wildcardsOf('store/product/variant/metafield/created')).toEqual([
      'store/product/variant/metafield/*',
      'store/product/variant/*',
      'store/product/*',
    ]);
    expect(wildcardsOf('store/channel/*/inventory/product/stock_changed')).toEqual(['store/channel/*']);
  });

  it('knows which strings are patterns', () => {
    expect(isScopePattern('store/order/*')).toBe(true);
    expect(isScopePattern('store/channel/{channel_id}/cart/*')).toBe(true);
    expect(isScopePattern('store/*')).toBe(false);
    expect(isScopePattern('store/teleporter/*')).toBe(false);
    expect(isScopePattern('store/order/created')).toBe(true);
  });

  it('expands a family wildcard to its scopes', () => {
    expect(expandPattern('store/cart/lineItem/*')).toEqual([
      'store/cart/lineItem/created',
      'store/cart/lineItem/updated',
      'store/cart/lineItem/deleted',
    ]);
    expect(expandPattern('store/order/*')).toContain('store/order/transaction/updated');
  });
});
