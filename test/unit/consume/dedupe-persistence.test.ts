import { describe, expect, it } from 'vitest';
import { createIdempotentDedupe } from '../../../shared/dedupe/idempotency.js';
import { eventKeyOf } from '../../../shared/dedupe/port.js';
import type { DedupeTableClient, Item } from '../../../shared/dedupe/table-client.js';
import { fakeContext } from '../../helpers/context.js';

type DynamoJson = Record<string, Record<string, unknown>>;

/** aws-lite's rejection for a failed condition: DynamoDB's error type as `name`, the item found in DynamoDB JSON. */
const conditionalCheckFailed = (item: DynamoJson | undefined) =>
  Object.assign(new Error('@aws-lite/client: DynamoDB.PutItem: The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
    statusCode: 400,
    ...(item ? { Item: item } : {}),
  });

/**
 * A dedupe table whose PutItem always fails its condition: the error carries what `found` returns for the
 * item written (as DynamoDB's ALL_OLD does), and GetItem answers `stored` (plain values, as aws-lite does).
 */
const conditionFails = (found: (written: Item) => DynamoJson | undefined, stored?: Item) => {
  const calls: string[] = [];
  const table: DedupeTableClient = {
    async GetItem() {
      calls.push('GetItem');
      return stored ? { Item: stored } : {};
    },
    async PutItem(input) {
      calls.push('PutItem');
      throw conditionalCheckFailed(found(input.Item));
    },
    async UpdateItem() {
      calls.push('UpdateItem');
      return {};
    },
    async DeleteItem() {
      calls.push('DeleteItem');
      return {};
    },
  };
  const dedupe = createIdempotentDedupe({
    dynamo: async () => table,
    tableName: 'dedupe',
    windowSeconds: 3600,
  });
  dedupe.useLambdaContext(fakeContext());
  return { dedupe, calls };
};

const key = eventKeyOf(
  {
    scope: 'store/order/created',
    created_at: 1_764_290_000,
    hash: 'c'.repeat(40),
    data: { type: 'order', id: 1 },
  },
  'k7q2m9x4p1',
);
const delivery = { messageId: 'm-2', eventBridgeId: 'eb-2' };
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

describe('Dedupe persistence layer: what a failed condition found', () => {
  it('runs the event when the item found is its own put, written by an attempt whose answer was lost', async () => {
    // Prepare: the retried put meets the item the first attempt wrote (its own writer id).
    const { dedupe, calls } = conditionFails((written) => ({
      id: { S: String(written.id) },
      writer: { S: String(written.writer) },
    }));
    let ran = 0;

    // Act
    const outcome = await dedupe.once(key, delivery, async () => {
      ran += 1;
    });

    // Assess
    expect(outcome).toEqual({ status: 'ran' });
    expect(ran).toBe(1);
    expect(calls).toEqual(['PutItem', 'UpdateItem']);
  });

  it('skips a copy of a completed event, naming the first delivery from the record Powertools reads', async () => {
    // Prepare: another put's item; Powertools reads the record when the error carries none.
    const { dedupe, calls } = conditionFails(
      (written) => ({ id: { S: String(written.id) }, writer: { S: 'another-put' } }),
      {
        id: 'bigcommerce-event#hash',
        status: 'COMPLETED',
        expiration: inSeconds(3000),
        data: { messageId: 'm-1', eventBridgeId: 'eb-1' },
      },
    );
    let ran = 0;

    // Act
    const outcome = await dedupe.once(key, delivery, async () => {
      ran += 1;
    });

    // Assess
    expect(outcome).toEqual({ status: 'duplicate', first: { messageId: 'm-1', eventBridgeId: 'eb-1' } });
    expect(ran).toBe(0);
    expect(calls).toEqual(['PutItem', 'GetItem']);
  });

  it('reads the record when the failed condition returned no item (a store without ALL_OLD)', async () => {
    // Prepare
    const { dedupe, calls } = conditionFails(() => undefined, {
      id: 'bigcommerce-event#hash',
      status: 'COMPLETED',
      expiration: inSeconds(3000),
      data: { messageId: 'm-1', eventBridgeId: 'eb-1' },
    });

    // Act
    const outcome = await dedupe.once(key, delivery, async () => undefined);

    // Assess
    expect(outcome).toEqual({ status: 'duplicate', first: { messageId: 'm-1', eventBridgeId: 'eb-1' } });
    expect(calls).toEqual(['PutItem', 'GetItem']);
  });

  it("fails a copy while another invocation's lock on the event is live", async () => {
    // Prepare
    const { dedupe } = conditionFails(
      (written) => ({ id: { S: String(written.id) }, writer: { S: 'another-put' } }),
      {
        id: 'bigcommerce-event#hash',
        status: 'INPROGRESS',
        expiration: inSeconds(3000),
        in_progress_expiration: Date.now() + 60_000,
      },
    );

    // Act
    const error = await dedupe.once(key, delivery, async () => undefined).catch((caught: Error) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'EventInProgressError' });
  });

  it('fails the record, without running it, when the table call fails for another reason', async () => {
    // Prepare
    const table: DedupeTableClient = {
      GetItem: async () => ({}),
      PutItem: async () => {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
          name: 'ProvisionedThroughputExceededException',
        });
      },
      UpdateItem: async () => ({}),
      DeleteItem: async () => ({}),
    };
    const dedupe = createIdempotentDedupe({
      dynamo: async () => table,
      tableName: 'dedupe',
      windowSeconds: 60,
    });
    dedupe.useLambdaContext(fakeContext());
    let ran = 0;

    // Act
    const error = await dedupe
      .once(key, delivery, async () => {
        ran += 1;
      })
      .catch((caught: Error) => caught);

    // Assess
    expect(ran).toBe(0);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error & { cause?: Error }).cause?.name).toBe('ProvisionedThroughputExceededException');
  });
});
