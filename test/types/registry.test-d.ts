import { describe, expectTypeOf, it } from 'vitest';
import { handlers } from '../../functions/consume/handlers/registry.js';
import type {
  EventFor,
  HandlerRegistry,
  RegistryOf,
  ScopeHandler,
} from '../../functions/consume/handlers/types.js';
import type { ScopePattern } from '../../shared/bigcommerce/scopes/index.js';
import type { SubscribedScope } from '../../shared/bigcommerce/scopes/subscribed.js';

describe('Types: handler registry', () => {
  it('types a handler event for its scope, with no cast', () => {
    const handle: ScopeHandler<'store/order/statusUpdated'> = (event) => {
      expectTypeOf(event.data.status.new_status_id).toEqualTypeOf<number>();
      expectTypeOf(event.scope).toEqualTypeOf<'store/order/statusUpdated'>();
      expectTypeOf(event.store_id).toEqualTypeOf<string>();
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('types a price-list batch event data as an array', () => {
    expectTypeOf<EventFor<'store/priceList/records/updated'>['data']>().toBeArray();
  });

  it('gives a channel scope handler a numeric channel in its scope', () => {
    expectTypeOf<
      EventFor<'store/channel/{channel_id}/cart/created'>['scope']
    >().toEqualTypeOf<`store/channel/${number}/cart/created`>();
  });

  it('gives a wildcard handler the union of its family, narrowed by scope', () => {
    const handle: ScopeHandler<'store/order/*'> = (event) => {
      if (event.scope === 'store/order/refund/created') {
        expectTypeOf(event.data.refund.refund_id).toEqualTypeOf<number>();
      }
      // @ts-expect-error a category scope is not in the order family
      if (event.scope === 'store/category/created') return;
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('accepts the shipped registry', () => {
    expectTypeOf(handlers).toExtend<HandlerRegistry>();
  });

  it('does not compile a handler registered under another scope', () => {
    const orderCreated: ScopeHandler<'store/order/created'> = () => undefined;
    // @ts-expect-error an order handler cannot handle category events
    const wrong: HandlerRegistry = { 'store/category/updated': orderCreated };
    expectTypeOf(wrong).toExtend<HandlerRegistry>();
  });

  it('does not compile a narrow handler registered under a wildcard', () => {
    const productCreated: ScopeHandler<'store/product/created'> = () => undefined;
    // @ts-expect-error store/product/* also delivers updated, deleted, inventory and metafield events
    const wrong: HandlerRegistry = { 'store/product/*': productCreated };
    expectTypeOf(wrong).toExtend<HandlerRegistry>();
  });

  it('does not compile a registry key that is not a scope or family wildcard', () => {
    // @ts-expect-error not a catalog scope
    const wrong: HandlerRegistry = { 'store/teleporter/created': () => undefined };
    expectTypeOf(wrong).toExtend<HandlerRegistry>();
  });

  it('registers exactly the subscribed scopes', () => {
    expectTypeOf<keyof typeof handlers>().toEqualTypeOf<SubscribedScope>();
  });

  it('does not compile a registry with a handler for a scope the list lacks', () => {
    const orderCreated: ScopeHandler<'store/order/created'> = () => undefined;
    const categoryUpdated: ScopeHandler<'store/category/updated'> = () => undefined;
    const registry = {
      'store/order/created': orderCreated,
      // @ts-expect-error store/category/updated is not in the list
      'store/category/updated': categoryUpdated,
    } satisfies RegistryOf<readonly ['store/order/created']>;
    expectTypeOf(registry).toBeObject();
  });

  it('does not compile a registry that leaves out a listed scope', () => {
    const orderCreated: ScopeHandler<'store/order/created'> = () => undefined;
    // @ts-expect-error store/product/* is listed but has no handler
    const registry = { 'store/order/created': orderCreated } satisfies RegistryOf<
      readonly ['store/order/created', 'store/product/*']
    >;
    expectTypeOf(registry).toBeObject();
  });

  it('does not compile a subscribed scope outside the catalog', () => {
    // @ts-expect-error not a catalog scope, as SUBSCRIBED_SCOPES is checked
    const list = ['store/teleporter/created'] as const satisfies readonly ScopePattern[];
    expectTypeOf(list).toExtend<readonly string[]>();
  });
});
