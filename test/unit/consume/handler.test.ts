import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler as createWith } from '../../../functions/consume/lambda.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import { SANDBOX_ACCOUNTS, SANDBOX_TOKEN } from '../../../local/sandbox/stores.js';
import { fakeContext } from '../../helpers/context.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { createFakeDedupe } from '../../helpers/fake-dedupe.js';
import { loadEvent } from '../../helpers/load-event.js';
import { rawRecord, recordFor } from '../../helpers/records.js';

const sqsEvent = (records: { messageId: string; body: string }[]) => {
  const template = loadEvent('consume', 'store-order-created').Records[0];
  if (!template) throw new Error('fixture has no record');
  return { Records: records.map((record) => ({ ...template, ...record })) };
};

const createConsumeHandler = (handlers: HandlerRegistry) =>
  createWith({ handlers, dedupe: createFakeDedupe().dedupe });

let dynamo: LocalDynamo;
let sandbox: Sandbox;
let table: string;
let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

// The deployed entry point, configured from the environment as in Lambda, deduping on a real table.
beforeAll(async () => {
  dynamo = await startDynalite();
  table = await dynamo.createDedupeTable();
  // The example handlers fetch what their events point at: the sandbox holds those resources.
  sandbox = await startSandbox({ accounts: SANDBOX_ACCOUNTS });
  sandbox.resources.recordFired('k7q2m9x4p1', 'store/order/created', { type: 'order', id: 250 });
  sandbox.resources.recordFired('k7q2m9x4p1', 'store/product/updated', { type: 'product', id: 111 });
  vi.stubEnv('BIGCOMMERCE_API_URL', sandbox.url);
  vi.stubEnv('BIGCOMMERCE_ACCESS_TOKEN', SANDBOX_TOKEN);
  vi.stubEnv('DEDUPE_TABLE_NAME', table);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  ({ handler } = await import('../../../functions/consume/handler.js'));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo.stop();
  await sandbox.close();
});

describe('Function: consume (Lambda adapter)', () => {
  it.each(['store-category-updated', 'store-order-created', 'store-product-updated'])(
    'acknowledges the %s example event with an empty failure list',
    async (name) => {
      // Act
      const response = await handler(loadEvent('consume', name), fakeContext());

      // Assess
      expect(response).toEqual({ batchItemFailures: [] });
    },
  );

  it('reports exactly the malformed, schema-violating and foreign records of the mixed batch', async () => {
    // Prepare
    const event = loadEvent('consume', 'mixed-batch');
    const ids = event.Records.map((record) => record.messageId);

    // Act
    const response = await handler(event, fakeContext());

    // Assess: records 2 (truncated JSON), 3 (order id is a string) and 6 (not BigCommerce) fail; the good,
    // unknown-scope and no-handler records are acknowledged.
    const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier).sort();
    expect(failed).toEqual([ids[1], ids[2], ids[5]].sort());
  });

  it('fails only the record whose handler throws', async () => {
    // Prepare
    const seen: number[] = [];
    const consume = createConsumeHandler({
      'store/order/created': (event) => {
        if (event.data.id === 2) throw new Error('boom');
        seen.push(event.data.id);
      },
    });
    const records = [1, 2, 3].map((id) => recordFor('store/order/created', { type: 'order', id }));

    // Act
    const response = await consume(sqsEvent(records), fakeContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.messageId }]);
    expect(seen.sort()).toEqual([1, 3]);
  });

  it('reports every record of a batch in which every record fails, instead of throwing', async () => {
    // Prepare
    const handle = vi.fn(() => Promise.reject(new Error('downstream down')));
    const consume = createConsumeHandler({ 'store/category/updated': handle });
    const records = [
      recordFor('store/category/updated'),
      rawRecord('not json'),
      recordFor('store/category/updated'),
    ];

    // Act
    const response = await consume(sqsEvent(records), fakeContext());

    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
      records.map((record) => record.messageId).sort(),
    );
    expect(handle).toHaveBeenCalledTimes(2);
  });

  it('processes each record of a batch once', async () => {
    // Prepare
    const handle = vi.fn();
    const consume = createConsumeHandler({ 'store/product/*': handle });
    const records = Array.from({ length: 25 }, (_, id) =>
      recordFor('store/product/created', { type: 'product', id }),
    );

    // Act
    await consume(sqsEvent(records), fakeContext());

    // Assess
    expect(handle.mock.calls.map(([event]) => event.data.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, id) => id),
    );
  });
});

describe('Function: consume (Lambda entry point)', () => {
  it('remembers a handled event in the dedupe table for the default 24 h window and skips its redelivery', async () => {
    // Prepare
    const record = recordFor('store/category/updated');
    const copy = {
      messageId: `${record.messageId}-again`,
      body: JSON.stringify({ ...JSON.parse(record.body), id: 'another-eventbridge-id' }),
    };
    // A fixed clock (Date only; timers and I/O run as usual): the window is then exact, not a wall-time range.
    const now = Date.UTC(2026, 10, 28, 12, 0, 0);
    vi.useFakeTimers({ toFake: ['Date'], now });

    // Act
    const responses = await (async () => {
      try {
        return [
          await handler(sqsEvent([record]), fakeContext()),
          await handler(sqsEvent([copy]), fakeContext()),
        ];
      } finally {
        vi.useRealTimers();
      }
    })();
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: table }));

    // Assess
    expect(responses).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const items = Items.filter((item) => item.data?.M?.messageId?.S === record.messageId);
    expect(items).toHaveLength(1);
    expect(items[0]?.status?.S).toBe('COMPLETED');
    expect(Number(items[0]?.expiration?.N)).toBe(now / 1000 + 86_400);
    expect(Items.some((item) => item.data?.M?.messageId?.S === copy.messageId)).toBe(false);
  });
});
