import { describe, expect, it, vi } from 'vitest';
import { createRecordProcessor } from '../../../functions/consume/consume.js';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import type { StoreClients } from '../../../shared/bigcommerce/rest/types.js';
import { unconfiguredClients } from '../../../shared/bigcommerce/rest/unconfigured.js';
import { RecordRejectedError } from '../../../shared/errors.js';
import { createFakeDedupe } from '../../helpers/fake-dedupe.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { rawRecord, recordFor, SOURCE, STORE_HASH } from '../../helpers/records.js';

const setup = (handlers: HandlerRegistry, eventSourceNamePrefix?: string) => {
  const log = createFakeLogger();
  const { dedupe } = createFakeDedupe();
  return {
    ...log,
    process: createRecordProcessor({ handlers, logger: log.logger, dedupe, eventSourceNamePrefix }),
  };
};

/** A record of `scope` put on the event source `source`, claiming `producer`. */
const onSource = (
  source: string,
  producer = `stores/${STORE_HASH}`,
  scope = 'store/order/created',
  data: unknown = { type: 'order', id: 1 },
) => {
  const record = recordFor(scope, data);
  const event = JSON.parse(record.body);
  return { ...record, body: JSON.stringify({ ...event, source, detail: { ...event.detail, producer } }) };
};

/** Provision's default event source of the store, `<prefix>-<storeHash>`, as BigCommerce names it. */
const defaultSource = (prefix = 'bigcommerce-webhooks', storeHash = STORE_HASH) =>
  `aws.partner/bigcommerce.com/sandbox/sandbox-client-id/${prefix}-${storeHash}`;

describe('Function: consume, one record', () => {
  it('dispatches an event to the handler of its scope, typed and with the record keys', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/category/updated': handle });
    const record = recordFor('store/category/updated', { type: 'category', id: 42 });

    // Act
    const outcome = await process(record);

    // Assess
    expect(outcome).toEqual({
      status: 'handled',
      scope: 'store/category/updated',
      pattern: 'store/category/updated',
    });
    expect(handle).toHaveBeenCalledTimes(1);
    const [event, context] = handle.mock.calls[0] ?? [];
    expect(event).toMatchObject({
      scope: 'store/category/updated',
      data: { type: 'category', id: 42 },
      producer: `stores/${STORE_HASH}`,
    });
    expect(context).toMatchObject({
      storeHash: STORE_HASH,
      messageId: record.messageId,
      channelId: undefined,
    });
    expect(context.transport).toBe('eventbridge');
    expect(context.https).toBeUndefined();
    expect(context.eventBridge).toMatchObject({
      source: SOURCE,
      account: '123456789012',
      region: 'us-east-1',
    });
  });

  it("makes the store's BigCommerce client on the handler's first call only, once per record, within the record's budget", async () => {
    // Prepare: a client factory that records what it was asked for
    const asked: { storeHash: string; budget: unknown }[] = [];
    const bigcommerce: StoreClients = (storeHash, budget) => {
      asked.push({ storeHash, budget });
      return { ...unconfiguredClients(storeHash, budget), get: async <T>() => ({ id: 42 }) as T };
    };
    const log = createFakeLogger();
    const process = createRecordProcessor({
      handlers: {
        'store/category/updated': () => undefined,
        'store/order/created': async (_event, context) => {
          await context.bigcommerce.get('/v2/orders/1');
          await context.bigcommerce.get('/v2/orders/1');
        },
      },
      logger: log.logger,
      dedupe: createFakeDedupe().dedupe,
      bigcommerce,
    });
    const budget = { deadline: 1_000 };

    // Act
    await process(recordFor('store/category/updated', { type: 'category', id: 42 }), budget);
    const askedByIdle = asked.length;
    await process(recordFor('store/order/created'), budget);

    // Assess
    expect(askedByIdle).toBe(0);
    expect(asked).toEqual([{ storeHash: STORE_HASH, budget }]);
  });

  it('gives the handler a logger whose lines carry scope, store hash, hash, message id, transport and EventBridge id', async () => {
    // Prepare
    const { process, lines } = setup({
      'store/order/created': (_event, { logger }) => logger.info('seen'),
    });
    const record = recordFor('store/order/created');
    const body = JSON.parse(record.body);

    // Act
    await process(record);

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'seen',
        keys: {
          scope: 'store/order/created',
          storeHash: STORE_HASH,
          hash: body.detail.hash,
          eventBridgeId: body.id,
          messageId: record.messageId,
          transport: 'eventbridge',
        },
      }),
    ]);
  });

  it('keeps fields BigCommerce adds beyond the documented ones', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/category/updated': handle });

    // Act
    await process(recordFor('store/category/updated', { type: 'category', id: 7, tree_id: 1 }));

    // Assess
    expect(handle.mock.calls[0]?.[0].data).toEqual({ type: 'category', id: 7, tree_id: 1 });
  });

  it('sends a family scope to its wildcard handler when it has no exact handler', async () => {
    // Prepare
    const wildcard = vi.fn();
    const exact = vi.fn();
    const { process } = setup({ 'store/product/*': wildcard, 'store/product/deleted': exact });

    // Act
    await process(recordFor('store/product/updated'));
    await process(recordFor('store/product/inventory/order/updated'));
    await process(recordFor('store/product/deleted'));

    // Assess
    expect(wildcard.mock.calls.map(([event]) => event.scope)).toEqual([
      'store/product/updated',
      'store/product/inventory/order/updated',
    ]);
    expect(exact).toHaveBeenCalledTimes(1);
  });

  it('prefers the most specific wildcard', async () => {
    // Prepare
    const family = vi.fn();
    const metafields = vi.fn();
    const { process } = setup({ 'store/product/*': family, 'store/product/metafield/*': metafields });

    // Act
    const outcome = await process(recordFor('store/product/metafield/updated'));

    // Assess
    expect(outcome).toMatchObject({ status: 'handled', pattern: 'store/product/metafield/*' });
    expect(family).not.toHaveBeenCalled();
  });

  it('resolves a channel scope to its {channel_id} entry and passes the channel id', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/channel/{channel_id}/cart/*': handle });

    // Act
    const outcome = await process(recordFor('store/channel/7/cart/converted', { cart_id: 'a-cart' }));

    // Assess
    expect(outcome).toMatchObject({ status: 'handled', scope: 'store/channel/{channel_id}/cart/converted' });
    expect(handle.mock.calls[0]?.[1].channelId).toBe(7);
    expect(handle.mock.calls[0]?.[0].scope).toBe('store/channel/7/cart/converted');
  });

  it('dispatches inventory scopes whose scope contains a literal *', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/channel/*/inventory/product/stock_changed': handle });

    // Act
    await process(
      recordFor('store/channel/*/inventory/product/stock_changed', {
        product_id: 1,
        location_id: 2,
        variant_id: 3,
      }),
    );

    // Assess
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it('dispatches price-list batch scopes whose data is an array', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/priceList/records/*': handle });

    // Act
    await process(recordFor('store/priceList/records/updated'));

    // Assess
    expect(handle.mock.calls[0]?.[0].data).toHaveLength(2);
  });
});

describe('Function: consume, policies', () => {
  it('fails a record whose body is not JSON, with one error line saying why', async () => {
    // Prepare
    const { process, lines } = setup({});

    // Act
    const outcome = process(rawRecord('{"version":"0","id":'));

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RecordRejectedError', reason: 'malformed-json' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', extra: { reason: 'malformed-json' } });
  });

  it('fails an event that is not a BigCommerce EventBridge event', async () => {
    // Prepare
    const { process, lines } = setup({});
    const scheduled = {
      version: '0',
      id: 'x',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      detail: {},
    };

    // Act
    const outcome = process(rawRecord(JSON.stringify(scheduled)));

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(RecordRejectedError);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        extra: expect.objectContaining({ reason: 'not-a-bigcommerce-event' }),
      }),
    ]);
    expect(lines[0]?.extra.detail).toContain('detail-type');
  });

  it('fails a payload whose hash is not a SHA-1', async () => {
    // Prepare
    const { process } = setup({ 'store/order/created': vi.fn() });
    const record = recordFor('store/order/created');
    const body = JSON.parse(record.body);
    body.detail.hash = 'not-a-hash';

    // Act
    const outcome = process({ ...record, body: JSON.stringify(body) });

    // Assess
    await expect(outcome).rejects.toMatchObject({ reason: 'not-a-bigcommerce-event' });
  });

  it('fails a payload that violates its scope schema, naming the field, and never calls the handler', async () => {
    // Prepare
    const handle = vi.fn();
    const { process, lines } = setup({ 'store/order/statusUpdated': handle });

    // Act
    const outcome = process(recordFor('store/order/statusUpdated', { type: 'order', id: 5, status: {} }));

    // Assess
    await expect(outcome).rejects.toMatchObject({ reason: 'schema-violation' });
    expect(handle).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    expect(lines[0]?.extra.detail).toContain('status.new_status_id');
    expect(lines[0]?.keys).toMatchObject({ scope: 'store/order/statusUpdated' });
  });

  it('fails an event whose producer is not the store its event source is named for, with one error line naming both', async () => {
    // Prepare
    const handle = vi.fn();
    const { process, lines } = setup({ 'store/order/created': handle });
    const record = onSource(defaultSource(), 'stores/otherstore1');

    // Act
    const outcome = process(record);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RecordRejectedError', reason: 'producer-mismatch' });
    expect(handle).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        extra: expect.objectContaining({ reason: 'producer-mismatch' }),
      }),
    ]);
    expect(lines[0]?.extra.detail).toContain('stores/otherstore1');
    expect(lines[0]?.extra.detail).toContain(`store ${STORE_HASH}`);
  });

  it('fails a foreign producer whatever its scope, before looking the scope up', async () => {
    // Prepare
    const { process } = setup({});

    // Act
    const outcome = process(onSource(defaultSource(), 'stores/otherstore1', 'store/teleporter/created'));

    // Assess
    await expect(outcome).rejects.toMatchObject({ reason: 'producer-mismatch' });
  });

  it("reads the source's store with the configured prefix", async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle }, 'BigCommerce-Webhooks-Prod');
    const source = defaultSource('bigcommerce-webhooks-prod');

    // Act
    const foreign = process(onSource(source, 'stores/otherstore1'));
    const own = await process(onSource(source, `stores/${STORE_HASH.toUpperCase()}`));

    // Assess
    await expect(foreign).rejects.toMatchObject({ reason: 'producer-mismatch' });
    expect(own.status).toBe('handled');
    expect(handle).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a custom name', 'aws.partner/bigcommerce.com/sandbox/sandbox-client-id/orders-feed'],
    ['another prefix', defaultSource('bigcommerce-webhooks-dev')],
  ])('accepts any producer on a source with %s, which names no store', async (_, source) => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });

    // Act
    const outcome = await process(onSource(source, 'stores/otherstore1'));

    // Assess
    expect(outcome.status).toBe('handled');
    expect(handle.mock.calls[0]?.[1].storeHash).toBe('otherstore1');
  });

  it("accepts events from a partner's .test event sources", async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const source = 'aws.partner/bigcommerce.com.test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1';

    // Act
    const outcome = await process(onSource(source));

    // Assess
    expect(outcome.status).toBe('handled');
    expect(handle.mock.calls[0]?.[1].eventBridge.source).toBe(source);
  });

  it('acknowledges a scope unknown to the catalog with one warning', async () => {
    // Prepare
    const { process, lines } = setup({});

    // Act
    const outcome = await process(recordFor('store/teleporter/created', { id: 1 }));

    // Assess
    expect(outcome).toEqual({
      status: 'ignored',
      reason: 'unknown-scope',
      scope: 'store/teleporter/created',
    });
    expect(lines).toEqual([expect.objectContaining({ level: 'warn' })]);
  });

  it('acknowledges a known scope that has no handler with one warning, without validating it', async () => {
    // Prepare
    const { process, lines } = setup({ 'store/order/created': vi.fn() });

    // Act
    const outcome = await process(recordFor('store/customer/created', { anything: true }));

    // Assess
    expect(outcome).toMatchObject({ status: 'ignored', reason: 'no-handler' });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        keys: expect.objectContaining({ scope: 'store/customer/created' }),
      }),
    ]);
  });

  it('fails the record when its handler throws, and says which handler failed', async () => {
    // Prepare
    const failure = new Error('order service unavailable');
    const { process, lines } = setup({
      'store/order/*': () => {
        throw failure;
      },
    });

    // Act
    const outcome = process(recordFor('store/order/created'));

    // Assess
    await expect(outcome).rejects.toBe(failure);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        extra: expect.objectContaining({ handler: 'store/order/*' }),
      }),
    ]);
  });
});
