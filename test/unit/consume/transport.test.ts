import type { SQSEvent, SQSMessageAttributes } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createRecordProcessor, type QueueRecord } from '../../../functions/consume/consume.js';
import type { HandlerContext, HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import type { BigCommercePayload } from '../../../shared/bigcommerce/envelope.js';
import { ingressMessageOf } from '../../../shared/bigcommerce/ingress-message.js';
import { sampleEventBridgeEvent, samplePayload } from '../../../shared/bigcommerce/samples.js';
import { fakeContext } from '../../helpers/context.js';
import { createFakeDedupe } from '../../helpers/fake-dedupe.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { loadEvent } from '../../helpers/load-event.js';

const STORE = 'k7q2m9x4p1';
const SOURCE = `aws.partner/bigcommerce.com/sandbox/sandbox-client-id/bigcommerce-webhooks-${STORE}`;

let sequence = 0;

/** A payload of `store/order/created` (order `id`) from `STORE`, unique per call unless `createdAt` is given. */
const payloadOf = (options: { id?: number; createdAt?: number; storeHash?: string } = {}) => {
  sequence += 1;
  return samplePayload({
    scope: 'store/order/created',
    data: { type: 'order', id: options.id ?? sequence },
    storeHash: options.storeHash ?? STORE,
    createdAt: options.createdAt ?? 1_796_000_000 + sequence,
  });
};

/** The attributes of a message the ingress queued, in the casing Lambda's event source mapping hands over. */
const lambdaAttributes = (attributes: Record<string, { DataType: string; StringValue: string }>) => {
  const shaped: SQSMessageAttributes = {};
  for (const [name, { DataType, StringValue }] of Object.entries(attributes)) {
    shaped[name] = {
      dataType: DataType,
      stringValue: StringValue,
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return shaped;
};

/** An SQS record as the ingress queues one HTTPS delivery: the raw body and its attributes. */
const ingressRecord = (
  rawBody: string,
  { storeHash = STORE, webhookId = `msg_${sequence}` }: { storeHash?: string; webhookId?: string } = {},
): QueueRecord & { messageId: string } => {
  sequence += 1;
  const message = ingressMessageOf({ rawBody, webhookId, storeHash });
  return {
    messageId: `ingress-${sequence}`,
    body: message.MessageBody,
    messageAttributes: lambdaAttributes(message.MessageAttributes),
  };
};

/** An SQS record as the EventBridge rule queues an event: the whole event, no attributes. */
const eventBridgeRecord = (payload: BigCommercePayload) => {
  sequence += 1;
  const event = sampleEventBridgeEvent(payload, { source: SOURCE });
  return { messageId: `eventbridge-${sequence}`, body: JSON.stringify(event), eventId: event.id };
};

const setup = (handlers: HandlerRegistry) => {
  const log = createFakeLogger();
  const fake = createFakeDedupe();
  return {
    ...log,
    ...fake,
    process: createRecordProcessor({ handlers, logger: log.logger, dedupe: fake.dedupe }),
  };
};

describe('Function: consume, HTTPS transport', () => {
  it('hands an ingress message to the handler with the https transport and its webhook id', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const payload = payloadOf({ id: 7 });
    const record = ingressRecord(JSON.stringify(payload), { webhookId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' });

    // Act
    const outcome = await process(record);

    // Assess
    expect(outcome).toEqual({
      status: 'handled',
      scope: 'store/order/created',
      pattern: 'store/order/created',
    });
    expect(handle).toHaveBeenCalledTimes(1);
    const [event, context] = handle.mock.calls[0] as [unknown, HandlerContext];
    expect(event).toEqual(payload);
    expect(context).toMatchObject({
      transport: 'https',
      https: { webhookId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' },
      storeHash: STORE,
      messageId: record.messageId,
    });
    expect(context.eventBridge).toBeUndefined();
  });

  it('gives the handler a logger whose lines carry the transport and webhook id, and no EventBridge id', async () => {
    // Prepare
    const { process, lines } = setup({ 'store/order/created': (_event, { logger }) => logger.info('seen') });
    const payload = payloadOf();
    const record = ingressRecord(JSON.stringify(payload), { webhookId: 'msg_abc' });

    // Act
    await process(record);

    // Assess
    expect(lines).toEqual([
      expect.objectContaining({
        message: 'seen',
        keys: {
          scope: 'store/order/created',
          storeHash: STORE,
          hash: payload.hash,
          messageId: record.messageId,
          transport: 'https',
          webhookId: 'msg_abc',
        },
      }),
    ]);
  });

  it('fails an ingress message whose producer is not the store-hash attribute, logging the event keys', async () => {
    // Prepare
    const handle = vi.fn();
    const { process, lines } = setup({ 'store/order/created': handle });
    const record = ingressRecord(JSON.stringify(payloadOf({ storeHash: 'otherstore1' })), {
      webhookId: 'msg_foreign',
    });

    // Act
    const outcome = process(record);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RecordRejectedError', reason: 'producer-mismatch' });
    expect(handle).not.toHaveBeenCalled();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      keys: { storeHash: 'otherstore1', transport: 'https', webhookId: 'msg_foreign' },
      extra: { reason: 'producer-mismatch', messageId: record.messageId },
    });
    expect(lines[0]?.extra.detail).toContain('stores/otherstore1');
    expect(lines[0]?.extra.detail).toContain(`store ${STORE}`);
  });

  it.each([
    ['a body that is not JSON', () => ingressRecord('{"scope": "store/order/created",'), 'malformed-json'],
    [
      'a body that is not a BigCommerce payload',
      () => ingressRecord(JSON.stringify({ hello: 'world' })),
      'not-a-bigcommerce-event',
    ],
    [
      'an https message without its webhook-id',
      () => {
        const record = ingressRecord(JSON.stringify(payloadOf()));
        delete record.messageAttributes?.['webhook-id'];
        return record;
      },
      'not-a-bigcommerce-event',
    ],
    [
      'a transport the consumer does not know',
      () => {
        const record = ingressRecord(JSON.stringify(payloadOf()));
        return {
          ...record,
          messageAttributes: {
            ...record.messageAttributes,
            transport: { dataType: 'String', stringValue: 'ftp' },
          },
        };
      },
      'not-a-bigcommerce-event',
    ],
    [
      'a raw payload without the transport attribute (read as an EventBridge event)',
      () => ({ messageId: 'bare-1', body: JSON.stringify(payloadOf()) }),
      'not-a-bigcommerce-event',
    ],
  ])('fails %s, with one error line saying why', async (_what, recordOf, reason) => {
    // Prepare
    const handle = vi.fn();
    const { process, lines } = setup({ 'store/order/created': handle });
    const record = recordOf();

    // Act
    const outcome = process(record);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'RecordRejectedError', reason });
    expect(handle).not.toHaveBeenCalled();
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', extra: expect.objectContaining({ reason }) }),
    ]);
  });

  it('reads a body without the transport attribute as an EventBridge event', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const record = eventBridgeRecord(payloadOf());

    // Act
    await process({ ...record, messageAttributes: {} });

    // Assess
    const context = handle.mock.calls[0]?.[1] as HandlerContext;
    expect(context.transport).toBe('eventbridge');
    expect(context.eventBridge?.id).toBe(record.eventId);
    expect(context.https).toBeUndefined();
  });
});

describe('Function: consume, both transports', () => {
  it.each([
    ['https first', ['https', 'eventbridge'] as const],
    ['EventBridge first', ['eventbridge', 'https'] as const],
  ])(
    'runs the handler once for one event arriving once by each transport (%s)',
    async (_order, transports) => {
      // Prepare: the same payload, as BigCommerce sends it by each transport during a switch
      const handle = vi.fn();
      const { process, lines, state } = setup({ 'store/order/created': handle });
      const payload = payloadOf({ id: 12, createdAt: 1_796_083_200 });
      const records = {
        https: ingressRecord(JSON.stringify(payload), { webhookId: 'msg_switch' }),
        eventbridge: eventBridgeRecord(structuredClone(payload)),
      };

      // Act
      const first = await process(records[transports[0]]);
      const second = await process(records[transports[1]]);

      // Assess
      expect(first.status).toBe('handled');
      expect(second.status).toBe('duplicate');
      expect(handle).toHaveBeenCalledTimes(1);
      expect(handle.mock.calls[0]?.[1]).toMatchObject({ transport: transports[0] });
      expect(state.runs).toBe(1);
      expect(lines).toEqual([
        expect.objectContaining({
          message: 'duplicate event skipped',
          keys: expect.objectContaining({ transport: transports[1] }),
          extra: expect.objectContaining({ firstMessageId: records[transports[0]].messageId }),
        }),
      ]);
    },
  );

  it('runs the handler for each of two events that differ in data, whatever their transports', async () => {
    // Prepare
    const handle = vi.fn();
    const { process } = setup({ 'store/order/created': handle });
    const one = payloadOf({ id: 1, createdAt: 1_796_083_200 });
    const other = { ...one, data: { type: 'order', id: 2 } };

    // Act
    await process(ingressRecord(JSON.stringify(one)));
    await process(eventBridgeRecord(other));

    // Assess
    expect(handle).toHaveBeenCalledTimes(2);
  });
});

describe('Function: consume (Lambda adapter), HTTPS transport', () => {
  it('reports exactly the failing ingress records of a mixed batch as batch item failures', async () => {
    // Prepare
    const template = loadEvent('consume', 'store-order-created').Records[0];
    if (!template) throw new Error('fixture has no record');
    const handle = vi.fn();
    const handler = createConsumeHandler({
      handlers: { 'store/order/created': handle },
      dedupe: createFakeDedupe().dedupe,
      recordLogger: createFakeLogger().logger,
      metrics: { publish: () => undefined },
    });
    const good = ingressRecord(JSON.stringify(payloadOf()));
    const violating = ingressRecord(JSON.stringify({ ...payloadOf(), data: { type: 'order', id: 'seven' } }));
    const malformed = ingressRecord('not json');
    const foreign = ingressRecord(JSON.stringify(payloadOf({ storeHash: 'otherstore1' })));
    const viaEventBridge = eventBridgeRecord(payloadOf());
    const event: SQSEvent = {
      Records: [good, violating, malformed, foreign, viaEventBridge].map(({ messageId, body, ...rest }) => ({
        ...template,
        messageId,
        body,
        messageAttributes:
          'messageAttributes' in rest ? (rest.messageAttributes as SQSMessageAttributes) : {},
      })),
    };

    // Act
    const response = await handler(event, fakeContext());

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: violating.messageId },
      { itemIdentifier: malformed.messageId },
      { itemIdentifier: foreign.messageId },
    ]);
    expect(handle).toHaveBeenCalledTimes(2);
    expect(handle.mock.calls.map(([, context]) => (context as HandlerContext).transport).sort()).toEqual([
      'eventbridge',
      'https',
    ]);
  });
});
