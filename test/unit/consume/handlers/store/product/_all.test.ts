import { describe, expect, it } from 'vitest';
import { handle } from '../../../../../../functions/consume/handlers/store/product/_all.js';
import type { EventFor } from '../../../../../../functions/consume/handlers/types.js';
import { handlerContext, sampleEvent } from '../../../../../helpers/handlers.js';

/** A product as the Catalog API answers, with only what the handler reads filled in. */
const product = (id: number) => ({ id, name: `Product ${id}`, price: 12.5, inventory_level: 7 }) as never;

describe('Handler: store/product/* (the example)', () => {
  it('fetches the product of an update and logs its name and price', async () => {
    // Prepare
    const context = handlerContext();
    context.bigcommerce.onFetch('store/product/updated', product(111));

    // Act
    await handle(sampleEvent('store/product/updated', { data: { id: 111 } }), context);

    // Assess
    expect(context.bigcommerce.calls).toEqual([
      { kind: 'fetchResource', scope: 'store/product/updated', data: expect.objectContaining({ id: 111 }) },
    ]);
    expect(context.logs).toEqual([
      expect.objectContaining({
        message: 'product changed',
        extra: expect.objectContaining({ productId: 111, fetched: { name: 'Product 111', price: 12.5 } }),
      }),
    ]);
  });

  it("fetches the product of an inventory change and logs its level beside the event's", async () => {
    // Prepare
    const context = handlerContext();
    context.bigcommerce.onFetch('store/product/inventory/updated', product(5));

    // Act
    await handle(sampleEvent('store/product/inventory/updated', { data: { id: 5 } }), context);

    // Assess
    expect(context.logs).toEqual([
      expect.objectContaining({
        message: 'product inventory changed',
        extra: expect.objectContaining({
          productId: 5,
          method: 'absolute',
          fetched: { name: 'Product 5', inventoryLevel: 7 },
        }),
      }),
    ]);
  });

  it.each([
    ['store/product/deleted', 'product deleted'],
    ['store/product/metafield/updated', 'product metafield changed'],
    ['store/product/variant/metafield/deleted', 'product metafield changed'],
  ] as const)('fetches nothing for %s (nothing to fetch) and logs %s', async (scope, message) => {
    // Prepare: nothing programmed, so any fetch would reject
    const context = handlerContext();

    // Act
    // One scope of the family at a time; the union of scopes is not the union of their events to tsc.
    await handle(sampleEvent(scope) as EventFor<'store/product/*'>, context);

    // Assess
    expect(context.bigcommerce.calls).toEqual([]);
    expect(context.logs.map((line) => line.message)).toEqual([message]);
  });

  it('fails the record when the fetch fails (the product vanished after the event)', async () => {
    // Prepare
    const context = handlerContext();
    context.bigcommerce.onFetch('store/product/created', new Error('fake BigCommerce: 404'));

    // Act
    const handled = handle(sampleEvent('store/product/created'), context);

    // Assess
    await expect(handled).rejects.toThrow('404');
  });
});
