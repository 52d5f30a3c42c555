import { IdempotencyPersistenceLayerError } from '@aws-lambda-powertools/idempotency';
import { describe, expect, it } from 'vitest';
import { dispatchOnce } from '../../../functions/consume/dispatch.js';
import type { BigCommerceEvent, HandlerContext } from '../../../functions/consume/handlers/types.js';
import type { Route } from '../../../functions/consume/router.js';
import type { CatalogScope } from '../../../shared/bigcommerce/scopes/index.js';
import { createIdempotentDedupe } from '../../../shared/dedupe/idempotency.js';
import { type Dedupe, eventKeyOf } from '../../../shared/dedupe/port.js';
import type { DedupeTableClient } from '../../../shared/dedupe/table-client.js';
import { OutcomeTally } from '../../../shared/metrics.js';
import { fakeContext } from '../../helpers/context.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';

const payload = {
  scope: 'store/order/created',
  store_id: '1001',
  data: { type: 'order', id: 7 },
  hash: 'd'.repeat(40),
  created_at: 1_764_290_000,
  producer: 'stores/k7q2m9x4p1',
} as const;
const key = eventKeyOf(payload, 'k7q2m9x4p1');
const delivery = { messageId: 'm-7', eventBridgeId: 'eb-7' };

/** aws-lite's rejection for a DynamoDB error answer. */
const awsError = (name: string, statusCode: number) =>
  Object.assign(new Error(`@aws-lite/client: DynamoDB: ${name}`), { name, code: name, statusCode });

/** A dedupe table whose calls answer as `answers` says (resolving when it returns nothing); `calls` lists them. */
const table = (answers: Partial<Record<keyof DedupeTableClient, () => unknown>> = {}) => {
  const calls: string[] = [];
  const call = (name: keyof DedupeTableClient) => async () => {
    calls.push(name);
    const answer = answers[name]?.();
    return answer ?? {};
  };
  const client: DedupeTableClient = {
    GetItem: call('GetItem') as DedupeTableClient['GetItem'],
    PutItem: call('PutItem'),
    UpdateItem: call('UpdateItem'),
    DeleteItem: call('DeleteItem'),
  };
  const dedupe = createIdempotentDedupe({
    dynamo: async () => client,
    tableName: 'dedupe',
    windowSeconds: 3600,
    completionRetry: { sleep: async () => undefined, random: () => 0 },
  });
  dedupe.useLambdaContext(fakeContext());
  return { dedupe, calls };
};

/** Dispatches the event to `handle` through `dedupe`, with a fresh tally and logger. */
const dispatch = async (
  dedupe: Dedupe,
  handle: Route['handle'],
  log: Pick<ReturnType<typeof createFakeLogger>, 'logger' | 'lines'> = createFakeLogger(),
) => {
  const tally = new OutcomeTally();
  const route = { pattern: 'store/order/created', handle } as Route;
  const outcome = await dispatchOnce(
    {
      route,
      event: payload as unknown as BigCommerceEvent<CatalogScope>,
      context: {} as HandlerContext,
      key,
      delivery,
    },
    dedupe,
    () => log.logger,
    { tally, now: () => 0 },
  ).catch((error: unknown) => ({ thrown: error }));
  return { outcome, counts: tally.families.get('store/order')?.counts, log };
};

const only = (counts: Record<string, number> | undefined) =>
  Object.fromEntries(Object.entries(counts ?? {}).filter(([, count]) => count > 0));

describe('Dispatch: a completion the dedupe table would not record', () => {
  it('reports the record as ran, counted once as completion unrecorded, with one error line', async () => {
    // Prepare
    const ranUnrecorded: Dedupe = {
      once: async (_key, _delivery, work) => {
        await work();
        return { status: 'ranUnrecorded', error: new Error('table down') };
      },
    };
    let runs = 0;

    // Act
    const { outcome, counts, log } = await dispatch(ranUnrecorded, async () => {
      runs += 1;
    });

    // Assess
    expect(outcome).toBe('ran');
    expect(runs).toBe(1);
    expect(only(counts)).toEqual({ completionUnrecorded: 1 });
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('a copy arriving after its lock lapses'),
        extra: { error: new Error('table down') },
      }),
    ]);
  });

  it('acknowledges at once a completion refused for a reason a retry cannot change', async () => {
    // Prepare
    const { dedupe, calls } = table({
      UpdateItem: () => {
        throw awsError('ValidationException', 400);
      },
    });

    // Act
    const { outcome, counts } = await dispatch(dedupe, async () => undefined);

    // Assess
    expect(outcome).toBe('ran');
    // One completion write, not retried, then one late write (refused the same way, so dropped).
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['PutItem', 'UpdateItem', 'UpdateItem']);
    expect(only(counts)).toEqual({ completionUnrecorded: 1 });
  });

  it("fails the record of a handler that throws Powertools' own completion error: only the table's write counts", async () => {
    // Prepare
    const { dedupe, calls } = table();
    const thrown = new IdempotencyPersistenceLayerError(
      'Failed to update success record to idempotency store',
    );

    // Act
    const { outcome, counts } = await dispatch(dedupe, async () => {
      throw thrown;
    });

    // Assess
    expect(outcome).toEqual({ thrown });
    expect(calls).toEqual(['PutItem', 'DeleteItem']);
    expect(only(counts)).toEqual({ handlerFailed: 1 });
  });

  it('fails the record of a failed handler whose record the table would not delete either', async () => {
    // Prepare
    const { dedupe } = table({
      DeleteItem: () => {
        throw awsError('InternalServerError', 500);
      },
    });

    // Act
    const { outcome, counts } = await dispatch(dedupe, async () => {
      throw new Error('downstream down');
    });

    // Assess
    expect(outcome).toEqual({ thrown: expect.any(IdempotencyPersistenceLayerError) });
    expect(only(counts)).toEqual({ handlerFailed: 1 });
  });

  it('fails the record, without running the handler, when the lock put fails', async () => {
    // Prepare
    const { dedupe, calls } = table({
      PutItem: () => {
        throw awsError('InternalServerError', 500);
      },
    });
    let runs = 0;

    // Act
    const { outcome, counts, log } = await dispatch(dedupe, async () => {
      runs += 1;
    });

    // Assess
    expect(outcome).toEqual({ thrown: expect.any(IdempotencyPersistenceLayerError) });
    expect(runs).toBe(0);
    expect(calls).toEqual(['PutItem']);
    expect(only(counts)).toEqual({ deferred: 1 });
    expect(log.lines.map((line) => line.message)).toEqual([
      'dedupe store failed; the record will be retried',
    ]);
  });

  it('counts a duplicate once, naming every id of the first delivery, even when its log line throws', async () => {
    // Prepare
    const first = { messageId: 'm-1', eventBridgeId: 'eb-1', webhookId: 'wh-1' };
    const duplicate: Dedupe = { once: async () => ({ status: 'duplicate', first }) };
    const log = createFakeLogger();
    const info = log.logger.info.bind(log.logger);
    let infoCalls = 0;
    const logger = Object.assign(Object.create(log.logger) as typeof log.logger, {
      info: (message: string, ...extra: Record<string, unknown>[]) => {
        info(message, ...extra);
        infoCalls += 1;
        if (infoCalls === 1) throw new Error('log sink down');
      },
    });

    // Act
    const { outcome, counts } = await dispatch(duplicate, async () => undefined, {
      logger,
      lines: log.lines,
    });

    // Assess
    expect(outcome).toEqual({ thrown: new Error('log sink down') });
    expect(only(counts)).toEqual({ duplicate: 1 });
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'duplicate event skipped',
        extra: { firstMessageId: 'm-1', firstEventBridgeId: 'eb-1', firstWebhookId: 'wh-1' },
      }),
    ]);
  });
});
