import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../shared/ops/redact.js';
import { createJudge } from '../../../shared/ops/verdict.js';

const PREFIX = 'bigcommerce-webhooks-dev';
const STORE = 'k7q2m9x4p1';
const OTHER = 'b3n8w2r6t0';
const ACCOUNT = '210987654321';
const CLIENT = '4yk6pb824t53hirbuz5akdr652lpjb2';
const HASH = '3f9ea420af83450d7ef9f78b08c8af25b2213637';
const EVENT_ID = '6a7e8f9a-1b2c-4d3e-8f4a-5b6c7d8e9f0a';
const CART = 'd2f1c3a4-5b6e-4f70-8a91-b2c3d4e5f607';

const sourceOf = (store: string) => `aws.partner/bigcommerce.com/test/${CLIENT}/${PREFIX}-${store}`;

/** An EventBridge event as BigCommerce would put it on the store's source, naming `producer`. */
const eventOf = (options: { producer?: string; data?: unknown; scope?: string; hash?: string } = {}) => ({
  version: '0',
  id: EVENT_ID,
  'detail-type': 'bigCommerceWebhook',
  source: sourceOf(STORE),
  account: ACCOUNT,
  time: '2026-11-28T10:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${sourceOf(STORE)}`],
  detail: {
    scope: options.scope ?? 'store/order/statusUpdated',
    store_id: '1025646',
    data: options.data ?? {
      type: 'order',
      id: 918273,
      status: { previous_status_id: 1, new_status_id: 11 },
    },
    hash: options.hash ?? HASH,
    created_at: 1764290000,
    producer: `stores/${options.producer ?? STORE}`,
  },
});

describe('Ops: capture redaction', () => {
  it('replaces every identifying value and keeps each one its shape and type', () => {
    // Prepare
    const redactor = createRedactor({ eventSourceNamePrefix: PREFIX });
    const event = eventOf();
    redactor.learn(event);

    // Act
    const redacted = redactor.redact(event);
    const data = redacted.detail.data as { id: number; status: unknown };

    // Assess
    const text = JSON.stringify(redacted);
    for (const value of [STORE, ACCOUNT, CLIENT, HASH, EVENT_ID, '1025646'])
      expect(text).not.toContain(value);
    expect(data.id).not.toBe(918273);
    expect(redacted.detail.producer).toMatch(/^stores\/[a-z0-9]{10}$/);
    expect(redacted.account).toMatch(/^\d{12}$/);
    expect(redacted.detail.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(redacted.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(redacted.detail.store_id).toMatch(/^\d{7}$/);
    expect(typeof data.id).toBe('number');
    expect(String(data.id)).toHaveLength(6);
    expect(redacted.source).toMatch(
      /^aws\.partner\/bigcommerce\.com\/test\/[0-9a-z]{31}\/bigcommerce-webhooks-dev-/,
    );
    // Not identifying, and what the consumer reads: kept.
    expect(data.status).toEqual({ previous_status_id: 1, new_status_id: 11 });
    expect(redacted.detail.scope).toBe('store/order/statusUpdated');
    expect(redacted.detail.created_at).toBe(1764290000);
  });

  it('gives one value one placeholder everywhere it occurs, and another value another', () => {
    // Prepare
    const redactor = createRedactor({ eventSourceNamePrefix: PREFIX });
    const first = eventOf();
    const second = eventOf({
      producer: OTHER,
      data: { type: 'cart', id: CART, orderId: 918273 },
      scope: 'store/cart/converted',
    });
    redactor.learn(first);
    redactor.learn(second);

    // Act
    const [a, b] = [redactor.redact(first), redactor.redact(second)];

    // Assess: the store of the source is the producer's in both, the order is one order, the stores differ.
    const storeOf = (source: string) => source.slice(source.lastIndexOf('-') + 1);
    expect(a.detail.producer).toBe(`stores/${storeOf(a.source)}`);
    expect(b.source).toBe(a.source);
    expect(b.resources).toEqual(a.resources);
    expect(b.detail.producer).not.toBe(a.detail.producer);
    expect((b.detail.data as { orderId: number }).orderId).toBe((a.detail.data as { id: number }).id);
    expect((b.detail.data as { id: string }).id).not.toBe(CART);
    expect(a.account).toBe(b.account);
    expect(a.resources[0]).toContain(`:${a.account}:`);
    expect(redactor.placeholders().storeHash).toHaveLength(2);
  });

  it('keeps the consumer verdict: accepted stays accepted, a producer mismatch stays one', async () => {
    // Prepare
    const judge = createJudge({ eventSourceNamePrefix: PREFIX });
    const redactor = createRedactor({ eventSourceNamePrefix: PREFIX });
    const events = [eventOf(), eventOf({ producer: OTHER }), eventOf({ data: { type: 'order', id: 'x' } })];
    for (const event of events) redactor.learn(event);

    // Act
    const verdicts = await Promise.all(
      events.map((event) => judge({ messageId: 'm', body: JSON.stringify(redactor.redact(event)) })),
    );

    // Assess
    expect(verdicts.map(({ catalog }) => (catalog.accepted ? catalog.outcome : catalog.reason))).toEqual([
      'handled',
      'producer-mismatch',
      'schema-violation',
    ]);
  });

  it('redacts learned values inside free text, whatever their case, and leaves short numbers in text alone', () => {
    // Prepare
    const redactor = createRedactor({ eventSourceNamePrefix: PREFIX });
    redactor.learn(eventOf());
    const body = `{"producer":"stores/${STORE.toUpperCase()}","at":"10:42","account":"${ACCOUNT}"`;
    redactor.learn(body);

    // Act
    const text = redactor.text(body);

    // Assess
    expect(text).not.toMatch(new RegExp(`${STORE}|${ACCOUNT}`, 'i'));
    expect(text).toContain('"at":"10:42"');
    expect(text).toHaveLength(body.length);
  });
});
