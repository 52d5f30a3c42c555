import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRecordProcessor } from '../../../functions/consume/consume.js';
import { ingressMessageOf } from '../../../shared/bigcommerce/ingress-message.js';
import { sampleEventBridgeEvent, samplePayload } from '../../../shared/bigcommerce/samples.js';
import { createIdempotentDedupe } from '../../../shared/dedupe/idempotency.js';
import { createDedupeTableClient, type DedupeTableClient } from '../../../shared/dedupe/table-client.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';

const STORE = 'k7q2m9x4p1';
const SOURCE = `aws.partner/bigcommerce.com/sandbox/sandbox-client-id/bigcommerce-webhooks-${STORE}`;

let dynamo: LocalDynamo;
let table: () => Promise<DedupeTableClient>;

beforeAll(async () => {
  dynamo = await startDynalite();
  table = createDedupeTableClient({ endpoint: dynamo.endpoint });
});

afterAll(async () => {
  await dynamo.stop();
});

/** One event as BigCommerce sends it by each transport: an ingress message and an EventBridge rule's message. */
const oneEventByBoth = (id: number) => {
  const payload = samplePayload({
    scope: 'store/order/created',
    data: { type: 'order', id },
    storeHash: STORE,
    createdAt: 1_796_083_200,
  });
  const message = ingressMessageOf({
    rawBody: JSON.stringify(payload),
    webhookId: `msg_${id}`,
    storeHash: STORE,
  });
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes).map(([name, { StringValue }]) => [
      name,
      { dataType: 'String', stringValue: StringValue, stringListValues: [], binaryListValues: [] },
    ]),
  );
  const event = sampleEventBridgeEvent(payload, { source: SOURCE });
  return {
    https: { messageId: `ingress-${id}`, body: message.MessageBody, messageAttributes: attributes },
    eventbridge: { messageId: `eventbridge-${id}`, body: JSON.stringify(event) },
    eventId: event.id,
  };
};

describe('Dedupe on DynamoDB (dynalite): one event by each transport', () => {
  it.each([
    ['https', 'eventbridge'],
    ['eventbridge', 'https'],
  ] as const)(
    'runs the handler once when it comes by %s, then by %s in another container, and names the first delivery',
    async (firstBy, thenBy) => {
      // Prepare: two containers sharing only the table
      const tableName = await dynamo.createDedupeTable();
      const handle = vi.fn();
      const log = createFakeLogger();
      const container = () =>
        createRecordProcessor({
          handlers: { 'store/order/created': handle },
          logger: log.logger,
          dedupe: createIdempotentDedupe({ dynamo: table, tableName, windowSeconds: 3600 }),
        });
      const copies = oneEventByBoth(firstBy === 'https' ? 1 : 2);

      // Act
      const first = await container()(copies[firstBy]);
      const then = await container()(copies[thenBy]);

      // Assess
      expect([first.status, then.status]).toEqual(['handled', 'duplicate']);
      expect(handle).toHaveBeenCalledTimes(1);
      expect(handle.mock.calls[0]?.[1]).toMatchObject({ transport: firstBy });
      const skipped = log.lines.find((line) => line.message === 'duplicate event skipped');
      expect(skipped?.keys).toMatchObject({ transport: thenBy });
      // The stored delivery of either transport is read back: the first message is named.
      expect(skipped?.extra).toMatchObject({
        firstMessageId: copies[firstBy].messageId,
        firstEventBridgeId: firstBy === 'eventbridge' ? copies.eventId : undefined,
      });
    },
  );
});
