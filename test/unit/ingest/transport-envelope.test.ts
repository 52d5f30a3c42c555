import { describe, expect, expectTypeOf, it } from 'vitest';
import { sourceStoreReader } from '../../../shared/bigcommerce/envelope.js';
import { INGRESS_ATTRIBUTES, ingressMessageOf } from '../../../shared/bigcommerce/ingress-message.js';
import {
  type EnvelopeOptions,
  type EnvelopeRecord,
  readEnvelope,
} from '../../../shared/bigcommerce/transport-envelope.js';
import { loadEvent } from '../../helpers/load-event.js';

const STORE = 'k7q2m9x4p1';
const PAYLOAD = {
  scope: 'store/order/created',
  store_id: '1025646',
  data: { type: 'order', id: 250 },
  hash: '3f9ea420af83450d7ef9f78b08c8af25b2213637',
  created_at: 1561482670,
  producer: `stores/${STORE}`,
};
const eventBridgeRecord = () => loadEvent('consume', 'store-order-created').Records[0] as EnvelopeRecord;

/** An SQS record of an ingress message, as Lambda hands it to the consumer (its attributes in Lambda's casing). */
const httpsRecord = (body: string, attributes: Record<string, string | undefined> = {}): EnvelopeRecord => {
  const message = ingressMessageOf({ rawBody: body, webhookId: 'msg_1', storeHash: STORE });
  const values: Record<string, string | undefined> = {
    ...Object.fromEntries(
      Object.entries(message.MessageAttributes).map(([name, value]) => [name, value.StringValue]),
    ),
    ...attributes,
  };
  return {
    body: message.MessageBody,
    messageAttributes: Object.fromEntries(
      Object.entries(values)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, { stringValue: value, dataType: 'String' }]),
    ),
  };
};

const options = { sourceStoreOf: sourceStoreReader('bigcommerce-webhooks') };

describe('Function: readEnvelope', () => {
  it('reads a record without a transport attribute as an EventBridge event, its detail the payload', () => {
    // Prepare
    const record = eventBridgeRecord();

    // Act
    const result = readEnvelope(record, options);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.envelope.transport).toBe('eventbridge');
    expect(result.envelope.payload).toEqual(JSON.parse(record.body).detail);
    expect(result.envelope.storeHash).toBe(JSON.parse(record.body).detail.producer.slice(7).toLowerCase());
  });

  it('reads an ingress message as the https transport, with its webhook-id and store', () => {
    // Prepare
    const record = httpsRecord(JSON.stringify(PAYLOAD));

    // Act
    const result = readEnvelope(record, options);

    // Assess
    expect(result).toEqual({
      ok: true,
      envelope: { transport: 'https', payload: PAYLOAD, storeHash: STORE, webhookId: 'msg_1' },
    });
  });

  it('gives the same payload for the same event whichever transport carried it', () => {
    // Prepare
    const viaEventBridge = eventBridgeRecord();
    const detail = JSON.parse(viaEventBridge.body).detail;
    const viaHttps = httpsRecord(JSON.stringify(detail), {
      [INGRESS_ATTRIBUTES.storeHash]: detail.producer.slice(7),
    });

    // Act
    const [first, second] = [readEnvelope(viaEventBridge, options), readEnvelope(viaHttps, options)];

    // Assess
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.envelope.payload).toEqual(first.envelope.payload);
    expect(second.envelope.storeHash).toBe(first.envelope.storeHash);
  });

  it('refuses an ingress message whose producer is not the store it was posted for, with the envelope read', () => {
    // Prepare
    const record = httpsRecord(JSON.stringify({ ...PAYLOAD, producer: 'stores/b3n8w2r6t0' }));

    // Act
    const result = readEnvelope(record, options);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      reason: 'producer-mismatch',
      envelope: { transport: 'https' },
    });
    expect(!result.ok && result.detail).toContain(`not store ${STORE}`);
  });

  it("cannot be called without the source's store reader, so no reader skips the consumer's producer check", () => {
    // Assess (checked by the type checker, npm run typecheck)
    expectTypeOf(readEnvelope).parameters.toEqualTypeOf<[EnvelopeRecord, EnvelopeOptions]>();
    expectTypeOf<EnvelopeOptions>().toHaveProperty('sourceStoreOf');
    expectTypeOf<Pick<EnvelopeOptions, 'sourceStoreOf'>>().toEqualTypeOf<{
      sourceStoreOf: (source: string) => string | undefined;
    }>();
  });

  it("refuses an EventBridge event whose producer is not its source's store", () => {
    // Prepare
    const record = eventBridgeRecord();
    const event = JSON.parse(record.body);
    event.source = 'aws.partner/bigcommerce.com/test/client/bigcommerce-webhooks-b3n8w2r6t0';
    event.detail.producer = `stores/${STORE}`;

    // Act
    const result = readEnvelope({ body: JSON.stringify(event) }, options);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      reason: 'producer-mismatch',
      envelope: { transport: 'eventbridge' },
    });
  });

  it.each([
    ['an EventBridge event sent as https', () => httpsRecord(eventBridgeRecord().body), 'scope'],
    ['a payload sent without the https attribute', () => ({ body: JSON.stringify(PAYLOAD) }), 'detail-type'],
    [
      'an https message without its webhook-id',
      () => httpsRecord(JSON.stringify(PAYLOAD), { [INGRESS_ATTRIBUTES.webhookId]: undefined }),
      'webhook-id',
    ],
    [
      'an https message without its store',
      () => httpsRecord(JSON.stringify(PAYLOAD), { [INGRESS_ATTRIBUTES.storeHash]: undefined }),
      'store-hash',
    ],
    [
      'a message of an unknown transport',
      () => httpsRecord(JSON.stringify(PAYLOAD), { [INGRESS_ATTRIBUTES.transport]: 'pubsub' }),
      '"pubsub"',
    ],
  ])('refuses %s as not a BigCommerce event, saying why', (_name, record, detail) => {
    // Act
    const result = readEnvelope(record(), options);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'not-a-bigcommerce-event' });
    expect(!result.ok && result.detail).toContain(detail);
  });

  it('refuses a body that is not JSON, whichever the transport', () => {
    // Act
    const results = [readEnvelope({ body: '{nope' }, options), readEnvelope(httpsRecord('{nope'), options)];

    // Assess
    expect(results.map((result) => !result.ok && result.reason)).toEqual([
      'malformed-json',
      'malformed-json',
    ]);
  });
});
