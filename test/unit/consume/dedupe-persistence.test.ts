import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbError, type DynamoDbHttp } from '../../../shared/aws/dynamodb-http.js';
import { createIdempotentDedupe } from '../../../shared/dedupe/idempotency.js';
import { eventKeyOf } from '../../../shared/dedupe/port.js';
import { fakeContext } from '../../helpers/context.js';

type Item = Record<string, AttributeValue>;

/** A DynamoDB stand-in whose PutItem always fails its condition, finding what `found` returns. */
const conditionFails = (found: (written: Item) => Item | undefined) => {
  const calls: string[] = [];
  const dynamo: DynamoDbHttp = {
    async call(operation, input) {
      calls.push(operation);
      if (operation === 'PutItem') {
        const written = (input as { Item: Item }).Item;
        throw new DynamoDbError(
          'ConditionalCheckFailedException',
          'The conditional request failed',
          400,
          false,
          found(written),
        );
      }
      return {};
    },
    destroy: () => undefined,
  };
  const dedupe = createIdempotentDedupe({ dynamo, tableName: 'dedupe', windowSeconds: 3600 });
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
const inSeconds = (seconds: number) => ({ N: String(Math.floor(Date.now() / 1000) + seconds) });

describe('Dedupe persistence layer: what a failed condition found', () => {
  it('runs the event when the item found is its own put, written by an attempt whose answer was lost', async () => {
    // Prepare: the retried put meets the item the first attempt wrote.
    const { dedupe, calls } = conditionFails((written) => written);
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

  it('skips a copy of a completed event, naming the first delivery from the item DynamoDB returned', async () => {
    // Prepare
    const { dedupe, calls } = conditionFails((written) => ({
      id: written.id as AttributeValue,
      status: { S: 'COMPLETED' },
      expiration: inSeconds(3000),
      data: { M: { messageId: { S: 'm-1' }, eventBridgeId: { S: 'eb-1' } } },
      writer: { S: 'another-put' },
    }));
    let ran = 0;

    // Act
    const outcome = await dedupe.once(key, delivery, async () => {
      ran += 1;
    });

    // Assess
    expect(outcome).toEqual({ status: 'duplicate', first: { messageId: 'm-1', eventBridgeId: 'eb-1' } });
    expect(ran).toBe(0);
    expect(calls).toEqual(['PutItem']);
  });

  it("fails a copy while another invocation's lock on the event is live", async () => {
    // Prepare
    const { dedupe } = conditionFails((written) => ({
      id: written.id as AttributeValue,
      status: { S: 'INPROGRESS' },
      expiration: inSeconds(3000),
      in_progress_expiration: { N: String(Date.now() + 60_000) },
      writer: { S: 'another-put' },
    }));

    // Act
    const error = await dedupe.once(key, delivery, async () => undefined).catch((caught: Error) => caught);

    // Assess
    expect(error).toMatchObject({ name: 'EventInProgressError' });
  });
});
