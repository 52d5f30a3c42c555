import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import { createIdempotentDedupe } from '../../../shared/dedupe/idempotency.js';
import { createDedupeTableClient } from '../../../shared/dedupe/table-client.js';
import { createConsumerMetrics, RECORD_METRICS } from '../../../shared/metrics.js';
import { fakeContext } from '../../helpers/context.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { loadEvent } from '../../helpers/load-event.js';
import { recordFor } from '../../helpers/records.js';

const template = loadEvent('consume', 'store-order-created').Records[0];
const sqsEvent = (records: { messageId: string; body: string }[]): SQSEvent => {
  if (!template) throw new Error('fixture has no record');
  return { Records: records.map((record) => ({ ...template, ...record })) };
};

/** DynamoDB's answer when it fails a request. */
const internalError = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  message: 'Internal server error (injected by the test)',
});

/**
 * A proxy in front of dynalite that answers the next `refuse[operation]` calls of that operation with
 * HTTP 500 InternalServerError, as DynamoDB does in an outage, and forwards every other call. `calls`
 * counts the calls it saw per operation, refused or not; `forwarded(operation, count)` resolves once
 * dynalite has answered `count` calls of that operation (counted from `reset`).
 */
const startRefusingProxy = async (local: LocalDynamo) => {
  const upstream = new URL(local.endpoint);
  const refuse: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const forwarded: Record<string, number> = {};
  let waiters: { operation: string; count: number; resolve: () => void }[] = [];
  const wake = () => {
    waiters = waiters.filter((waiter) => {
      if ((forwarded[waiter.operation] ?? 0) < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };
  const proxy = createServer((request, response) => {
    const operation = String(request.headers['x-amz-target']).split('.').pop() ?? '';
    calls[operation] = (calls[operation] ?? 0) + 1;
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      if ((refuse[operation] ?? 0) > 0) {
        refuse[operation] = (refuse[operation] ?? 0) - 1;
        response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' }).end(internalError);
        return;
      }
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: 'POST', path: '/', headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
          response.on('finish', () => {
            forwarded[operation] = (forwarded[operation] ?? 0) + 1;
            wake();
          });
        },
      );
      forward.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    refuse,
    calls,
    forwarded: (operation: string, count: number) =>
      new Promise<void>((resolve) => {
        waiters.push({ operation, count, resolve });
        wake();
      }),
    reset: () => {
      for (const counts of [refuse, calls, forwarded]) {
        for (const operation of Object.keys(counts)) delete counts[operation];
      }
      waiters = [];
    },
    stop: () => {
      proxy.closeAllConnections();
      proxy.close();
    },
  };
};

let dynamo: LocalDynamo;
let proxy: Awaited<ReturnType<typeof startRefusingProxy>>;

beforeAll(async () => {
  dynamo = await startDynalite();
  proxy = await startRefusingProxy(dynamo);
});

afterAll(async () => {
  proxy.stop();
  await dynamo.stop();
});

/**
 * One container on a fresh table behind the proxy, on a fake clock: backoff waits move it, and the
 * invocation's context says how much of `timeLeftMs` is left on it. The table client makes no retries of
 * its own (aws-lite's run on real timers), so each refusal reaches the dedupe's retries. `runs` counts
 * handler calls; `counted` sums the metric lines by name.
 */
const setup = async (timeLeftMs: number) => {
  const tableName = await dynamo.createDedupeTable();
  proxy.reset();
  // From the real time: a late completion's expiry is on this clock, and the table's reads are on Date.now.
  const clock = { ms: Date.now() };
  const waits: number[] = [];
  const log = createFakeLogger();
  const counted: Record<string, number> = {};
  let runs = 0;
  const handlers: HandlerRegistry = {
    'store/order/created': async () => {
      runs += 1;
    },
  };
  const container = () => {
    const dedupe = createIdempotentDedupe({
      dynamo: createDedupeTableClient({ endpoint: proxy.endpoint, retries: 0 }),
      tableName,
      windowSeconds: 3600,
      completionRetry: {
        now: () => clock.ms,
        sleep: async (ms) => {
          waits.push(ms);
          clock.ms += ms;
        },
        random: () => 0.5,
        // Never gives an attempt up: dynalite answers each one.
        giveUpTimer: () => () => undefined,
        marginMs: 500,
      },
    });
    const handler = createConsumeHandler({
      handlers,
      dedupe,
      recordLogger: log.logger,
      metrics: createConsumerMetrics({
        namespace: 'BigCommerceWebhooksTest',
        write: (text) => {
          for (const line of text.trimEnd().split('\n')) {
            const emf = JSON.parse(line) as Record<string, unknown>;
            for (const name of Object.values(RECORD_METRICS)) {
              if (typeof emf[name] === 'number') counted[name] = (counted[name] ?? 0) + emf[name];
            }
          }
        },
      }),
    });
    return Object.assign(handler, { dedupe });
  };
  const invocation = (): Context => {
    const deadline = clock.ms + timeLeftMs;
    return { ...fakeContext(), getRemainingTimeInMillis: () => deadline - clock.ms };
  };
  /** The status of every item of the table (each test's table holds one event). */
  const itemStatus = async (): Promise<string[]> => {
    const { Items } = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
    return (Items ?? []).map((item) => item.status?.S ?? '');
  };
  return { container, invocation, clock, waits, log, counted, runs: () => runs, itemStatus };
};

const order = (id: number) => recordFor('store/order/created', { type: 'order', id });

describe('Dedupe on DynamoDB (dynalite): the table refuses writes', () => {
  it('retries a refused completion write until the table recovers: the handler runs once and the record is acknowledged', async () => {
    // Prepare
    const { container, invocation, waits, counted, runs, log, itemStatus } = await setup(5_000);
    proxy.refuse.UpdateItem = 3;
    const record = order(1);

    // Act
    const response = await container()(sqsEvent([record]), invocation());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs()).toBe(1);
    expect(proxy.calls.UpdateItem).toBe(4);
    expect(waits).toEqual([50, 100, 200]);
    expect(await itemStatus()).toEqual(['COMPLETED']);
    expect(counted).toEqual({ [RECORD_METRICS.handled]: 1 });
    expect(log.at('error')).toEqual([]);
  });

  it('recorded after the retries, a copy in another container is a duplicate', async () => {
    // Prepare
    const { container, invocation, runs, counted } = await setup(5_000);
    proxy.refuse.UpdateItem = 2;
    const record = order(2);
    await container()(sqsEvent([record]), invocation());

    // Act
    const response = await container()(
      sqsEvent([{ ...record, messageId: `${record.messageId}-copy` }]),
      invocation(),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs()).toBe(1);
    expect(counted).toEqual({ [RECORD_METRICS.handled]: 1, [RECORD_METRICS.duplicate]: 1 });
  });

  it('refused past the deadline: the handler ran once, the record is acknowledged, and the loss of its completion is logged and counted', async () => {
    // Prepare
    const { container, invocation, clock, waits, counted, runs, log, itemStatus } = await setup(3_000);
    proxy.refuse.UpdateItem = 1_000;
    const record = order(3);
    const started = clock.ms;

    // Act
    const response = await container()(sqsEvent([record]), invocation());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs()).toBe(1);
    // The waits stop before the deadline less the 500 ms margin.
    expect(waits.length).toBeGreaterThan(3);
    expect(clock.ms - started).toBeLessThanOrEqual(2_500);
    expect(proxy.calls.UpdateItem).toBe(waits.length + 1);
    expect(await itemStatus()).toEqual(['INPROGRESS']);
    expect(counted).toEqual({ [RECORD_METRICS.completionUnrecorded]: 1 });
    expect(log.at('error')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'its completion unrecorded: acknowledged; a copy arriving after its lock lapses',
        ),
        keys: expect.objectContaining({ messageId: record.messageId }),
        extra: { error: expect.objectContaining({ name: 'CompletionNotRecordedError' }) },
      }),
    ]);
    expect(log.at('error')[0]?.message).toContain('would run again');
  });

  it('skips a copy that reaches the container whose completion went unrecorded', async () => {
    // Prepare
    const { container, invocation, runs, counted } = await setup(3_000);
    proxy.refuse.UpdateItem = 1_000;
    const consume = container();
    const record = order(4);
    await consume(sqsEvent([record]), invocation());

    // Act: the table still refuses every completion, so only this container can know.
    const response = await consume(
      sqsEvent([{ ...record, messageId: `${record.messageId}-copy` }]),
      invocation(),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs()).toBe(1);
    // The copy never asked the table for the event's lock: the container's own memory skipped it.
    expect(proxy.calls.PutItem).toBe(1);
    expect(counted).toEqual({
      [RECORD_METRICS.completionUnrecorded]: 1,
      [RECORD_METRICS.duplicate]: 1,
    });
  });

  it('writes the unrecorded completion on a later record once the table is back, so a copy reaching another container is skipped', async () => {
    // Prepare
    const { container, invocation, runs, counted, itemStatus } = await setup(3_000);
    proxy.refuse.UpdateItem = 1_000;
    const first = container();
    const record = order(6);
    await first(sqsEvent([record]), invocation());
    // The late write it started at once has been refused too (waited for while the table still refuses, so
    // it cannot write it): only a later record can.
    await first.dedupe.flushUnrecorded();
    proxy.refuse.UpdateItem = 0;
    await first(sqsEvent([order(7)]), invocation());
    // Both written by dynalite: the later record's own completion and, started by it, the first's.
    await proxy.forwarded('UpdateItem', 2);

    // Act
    const response = await container()(
      sqsEvent([{ ...record, messageId: `${record.messageId}-copy` }]),
      invocation(),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(runs()).toBe(2);
    expect(await itemStatus()).toEqual(['COMPLETED', 'COMPLETED']);
    expect(counted).toEqual({
      [RECORD_METRICS.completionUnrecorded]: 1,
      [RECORD_METRICS.handled]: 1,
      [RECORD_METRICS.duplicate]: 1,
    });
  });

  it('keeps an unrecorded completion to write later while the table still refuses it', async () => {
    // Prepare
    const { container, invocation, itemStatus } = await setup(3_000);
    proxy.refuse.UpdateItem = 1_000;
    const consume = container();
    await consume(sqsEvent([order(8)]), invocation());

    // Act
    await consume.dedupe.flushUnrecorded();
    const stillDown = await itemStatus();
    proxy.refuse.UpdateItem = 0;
    await consume.dedupe.flushUnrecorded();

    // Assess
    expect(stillDown).toEqual(['INPROGRESS']);
    expect(await itemStatus()).toEqual(['COMPLETED']);
  });

  it('fails the record without running its handler when the lock put is refused, and does not retry the put itself', async () => {
    // Prepare
    const { container, invocation, waits, counted, runs, log } = await setup(5_000);
    proxy.refuse.PutItem = 1;
    const record = order(5);

    // Act
    const response = await container()(sqsEvent([record]), invocation());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(runs()).toBe(0);
    expect(proxy.calls.PutItem).toBe(1);
    expect(proxy.calls.UpdateItem).toBeUndefined();
    expect(waits).toEqual([]);
    expect(counted).toEqual({ [RECORD_METRICS.deferred]: 1 });
    expect(log.at('error').map((line) => line.message)).toEqual([
      'dedupe store failed; the record will be retried',
    ]);
  });
});
