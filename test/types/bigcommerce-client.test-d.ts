import { describe, expectTypeOf, it } from 'vitest';
import type { ScopeHandler } from '../../functions/consume/handlers/types.js';
import type { Order, Product } from '../../shared/bigcommerce/rest/resources.js';

describe('Types: context.bigcommerce.fetchResource', () => {
  it("types the resource by the event's scope", () => {
    const handle: ScopeHandler<'store/order/created'> = async (event, { bigcommerce }) => {
      const order = await bigcommerce.fetchResource(event);
      expectTypeOf(order).toEqualTypeOf<Order>();
      expectTypeOf(order.status).toEqualTypeOf<string>();
      // Tolerant of the fields BigCommerce adds.
      expectTypeOf(order.billing_address).toEqualTypeOf<unknown>();
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('types each member of a wildcard union once narrowed', () => {
    const handle: ScopeHandler<'store/product/*'> = async (event, { bigcommerce }) => {
      if (event.scope === 'store/product/updated') {
        expectTypeOf(await bigcommerce.fetchResource(event)).toEqualTypeOf<Product>();
      }
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('refuses an event whose scope points at no resource', () => {
    const information: ScopeHandler<'store/information/updated'> = async (event, { bigcommerce }) => {
      // @ts-expect-error store/information/updated has no resource to fetch
      await bigcommerce.fetchResource(event);
    };
    const metafield: ScopeHandler<'store/product/metafield/updated'> = async (event, { bigcommerce }) => {
      // @ts-expect-error a metafield event points at no REST resource fetchResource knows
      await bigcommerce.fetchResource(event);
    };
    const unnarrowed: ScopeHandler<'store/product/*'> = async (event, { bigcommerce }) => {
      // @ts-expect-error the product family includes metafield scopes: narrow on event.scope first
      await bigcommerce.fetchResource(event);
    };
    expectTypeOf([information, metafield, unnarrowed]).toBeArray();
  });
});
