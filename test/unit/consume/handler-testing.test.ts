import { describe, expect, it } from 'vitest';
import { BigCommerceNotFoundError, isNotFound, type Order } from '../../../shared/bigcommerce/rest/index.js';
import { fakeBigCommerce, handlerContext, sampleEvent } from '../../helpers/handlers.js';

describe('Helper: sampleEvent', () => {
  it('builds the documented sample of a scope with the test data merged in', () => {
    // Act
    const event = sampleEvent('store/order/statusUpdated', { data: { id: 5, status: { new_status_id: 2 } } });

    // Assess
    expect(event.scope).toBe('store/order/statusUpdated');
    expect(event.data).toEqual({ type: 'order', id: 5, status: { previous_status_id: 0, new_status_id: 2 } });
    expect(event.producer).toBe('stores/abc123');
    expect(event.hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('gives the same event, hash included, on every call', () => {
    expect(sampleEvent('store/cart/created')).toEqual(sampleEvent('store/cart/created'));
  });

  it('puts a channel id in a channel scope', () => {
    // Act
    const event = sampleEvent('store/channel/{channel_id}/cart/created', {
      channelId: 7,
      storeHash: 'xyz789',
    });

    // Assess
    expect(event.scope).toBe('store/channel/7/cart/created');
    expect(event.producer).toBe('stores/xyz789');
  });

  it('refuses data the consumer would reject, naming the field', () => {
    expect(() => sampleEvent('store/order/created', { data: { id: 'five' as unknown as number } })).toThrow(
      /sampleEvent\(store\/order\/created\): id:/,
    );
  });
});

describe('Helper: handlerContext', () => {
  it('records what the handler logs', () => {
    // Prepare
    const context = handlerContext({ storeHash: 'xyz789' });

    // Act
    context.logger.warn('odd', { a: 1 }, { b: 2 });

    // Assess
    expect(context.logs).toEqual([{ level: 'warn', message: 'odd', extra: { a: 1, b: 2 } }]);
    expect(context.storeHash).toBe('xyz789');
    expect(context.bigcommerce.storeHash).toBe('xyz789');
  });

  it('answers fetchResource with the resource the test programmed, and records the call', async () => {
    // Prepare
    const context = handlerContext();
    const order: Order = {
      id: 5,
      status: 'Shipped',
      status_id: 2,
      customer_id: 32,
      currency_code: 'USD',
      total_inc_tax: '10.00',
      total_ex_tax: '9.00',
      date_created: 'Tue, 01 Dec 2026 00:00:00 +0000',
    };
    context.bigcommerce.onFetch('store/order/created', order);
    const event = sampleEvent('store/order/created', { data: { id: 5 } });

    // Act
    const fetched = await context.bigcommerce.fetchResource(event);

    // Assess
    expect(fetched).toBe(order);
    expect(context.bigcommerce.calls).toEqual([
      { kind: 'fetchResource', scope: 'store/order/created', data: event.data },
    ]);
  });

  it('rejects with a programmed error, such as a deleted resource', async () => {
    // Prepare
    const bigcommerce = fakeBigCommerce().onRequest(
      'GET',
      '/v2/orders/5',
      new BigCommerceNotFoundError('abc123', '/v2/orders/5'),
    );
    const context = handlerContext({ bigcommerce });

    // Act
    const error = await context.bigcommerce.get('/v2/orders/5').catch((caught: unknown) => caught);

    // Assess
    expect(isNotFound(error)).toBe(true);
    expect(bigcommerce.calls).toEqual([
      { kind: 'request', method: 'GET', path: '/v2/orders/5', request: undefined },
    ]);
  });

  it('answers a call from a function of the call', async () => {
    // Prepare
    const context = handlerContext();
    context.bigcommerce.onGraphql(({ variables }) => ({ echo: variables }));

    // Act
    const data = await context.bigcommerce.graphql('query { store { name } }', { id: 1 });

    // Assess
    expect(data).toEqual({ echo: { id: 1 } });
  });

  it('rejects a call nothing was programmed for, naming it', async () => {
    await expect(handlerContext().bigcommerce.request('POST', '/v3/catalog/products')).rejects.toThrow(
      'fake BigCommerce: no answer programmed for POST /v3/catalog/products',
    );
  });
});
