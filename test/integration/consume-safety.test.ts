import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFor, HandlerContext } from '../../functions/consume/handlers/types.js';
import type { BatchReport } from '../../local/event-source-mapping.js';
import type { FireRequest } from '../../local/sandbox/fire.js';
import { SANDBOX_STORE, type Stack } from '../../local/stack.js';
import { createFakeLogger } from '../helpers/fake-logger.js';
import { startOfflineChain } from '../helpers/offline-chain.js';
import { until } from '../helpers/until.js';

const HASH = '5f2b3a1e9c8d7b6a5f4e3d2c1b0a99887766554d';

/**
 * What a consumer must not get wrong about which event is which, over the whole offline chain: the
 * sandbox fires events as BigCommerce would (same hash for two updates, a producer that is not the
 * source's store, redeliveries), EventBridge and SQS carry them over HTTP, and the consume handler runs
 * in this process on the real dedupe table (dynalite, Powertools idempotency).
 */
describe('Offline stack: consume safety', () => {
  let stack: Stack;
  const updates: { event: EventFor<'store/order/updated'>; context: HandlerContext }[] = [];
  const created: number[] = [];
  /** Category id -> what its handler throws on the first delivery (later deliveries succeed). */
  const throwsOnce = new Map<number, unknown>();
  const categoryRuns: number[] = [];
  const reports: BatchReport[] = [];
  const log = createFakeLogger();

  let chain: Awaited<ReturnType<typeof startOfflineChain>>;
  const fire = async (request: Omit<FireRequest, 'storeHash'>) => {
    const fired = await chain.fire(request);
    expect(fired.delivered).toHaveLength(1);
    return fired.delivered[0]?.eventId ?? '';
  };
  const eventIdOf = (body: string): string => JSON.parse(body).id;
  /** EventBridge ids of the records a batch acknowledged (deleted from the queue). */
  const acknowledged = () =>
    new Set(
      reports.flatMap((report) =>
        report.records
          .filter((record) => !report.failed.includes(record.messageId))
          .map((record) => eventIdOf(record.body)),
      ),
    );
  const failedDeliveries = (eventId: string) =>
    reports.flatMap((report) =>
      report.records.filter(
        (record) => report.failed.includes(record.messageId) && eventIdOf(record.body) === eventId,
      ),
    ).length;
  const linesOf = (eventId: string) => log.lines.filter((line) => line.keys.eventBridgeId === eventId);

  beforeAll(async () => {
    chain = await startOfflineChain({
      stack: { visibilityTimeoutSeconds: 1, onBatch: (report) => reports.push(report) },
      // The records' log lines, to assert what the consumer said about each event.
      consume: { recordLogger: log.logger },
      handlers: {
        'store/order/updated': (event, context) => {
          updates.push({ event, context });
        },
        'store/order/created': (event) => {
          created.push(event.data.id);
        },
        'store/category/updated': (event) => {
          categoryRuns.push(event.data.id);
          if (throwsOnce.has(event.data.id)) {
            const thrown = throwsOnce.get(event.data.id);
            throwsOnce.delete(event.data.id);
            throw thrown;
          }
        },
      },
    });
    stack = chain.stack;
    const provisioned = await chain.request('POST', '/provision', { storeHash: SANDBOX_STORE.storeHash });
    if (provisioned.status !== 200) throw new Error(`provision failed: ${JSON.stringify(provisioned.body)}`);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs the handler for every update of an order that BigCommerce sent with the same hash, and once per redelivery', async () => {
    // Prepare: `hash` is the SHA-1 of `data` ({type, id}), so both updates of order 5 carry the same one.
    const update = (createdAt: number) => ({
      scope: 'store/order/updated',
      data: { type: 'order', id: 5 },
      createdAt,
      hash: HASH,
    });

    // Act
    const ids = [
      await fire(update(1_764_400_001)),
      await fire(update(1_764_400_002)),
      await fire(update(1_764_400_001)),
    ];
    await until(() => ids.every((id) => acknowledged().has(id)));

    // Assess
    const runs = updates.filter(({ event }) => event.data.id === 5);
    expect(runs.map(({ event }) => event.created_at).sort()).toEqual([1_764_400_001, 1_764_400_002]);
    expect(ids.flatMap(linesOf).map((line) => line.message)).toEqual(['duplicate event skipped']);
  });

  it('takes a producer store hash in other letter case for the same store and the same event', async () => {
    // Prepare
    const update = { scope: 'store/order/updated', data: { type: 'order', id: 6 }, createdAt: 1_764_400_010 };

    // Act
    const ids = [
      await fire(update),
      await fire({ ...update, producer: `stores/${SANDBOX_STORE.storeHash.toUpperCase()}` }),
    ];
    await until(() => ids.every((id) => acknowledged().has(id)));

    // Assess
    const runs = updates.filter(({ event }) => event.data.id === 6);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.context.storeHash).toBe(SANDBOX_STORE.storeHash);
  });

  it("moves an event claiming another store than its source's to the DLQ, body intact, without running its handler", async () => {
    // Act
    const eventId = await fire({
      scope: 'store/order/created',
      data: { type: 'order', id: 77 },
      producer: 'stores/otherstore1',
    });
    const { QueueUrl } = await stack.sqs.send(new GetQueueUrlCommand({ QueueName: stack.queues.dlqName }));
    const dead: { id: string; detail: { producer: string; data: unknown } }[] = [];
    await until(async () => {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      dead.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}')));
      return dead.some((event) => event.id === eventId);
    }, 15_000);

    // Assess
    expect(dead.find((event) => event.id === eventId)?.detail).toMatchObject({
      producer: 'stores/otherstore1',
      data: { type: 'order', id: 77 },
    });
    expect(created).not.toContain(77);
    const lines = linesOf(eventId);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBe(failedDeliveries(eventId));
    expect(lines.every((line) => line.level === 'error' && line.extra.reason === 'producer-mismatch')).toBe(
      true,
    );
    expect(lines[0]?.extra.detail).toContain(`store ${SANDBOX_STORE.storeHash}`);
  });

  it.each([
    ['undefined', 101, undefined],
    ['an object', 102, { code: 'E_DOWNSTREAM' }],
    ['a string', 103, 'downstream down'],
  ])(
    'fails the record of a handler that throws %s with one line saying the handler failed, then runs its retry',
    async (_, id, thrown) => {
      // Prepare
      throwsOnce.set(id, thrown);

      // Act
      const eventId = await fire({ scope: 'store/category/updated', data: { type: 'category', id } });
      await until(() => acknowledged().has(eventId));

      // Assess
      expect(failedDeliveries(eventId)).toBe(1);
      expect(categoryRuns.filter((run) => run === id)).toHaveLength(2);
      expect(linesOf(eventId).map((line) => [line.level, line.message])).toEqual([
        ['error', 'handler failed; the record will be retried'],
      ]);
    },
  );
});
