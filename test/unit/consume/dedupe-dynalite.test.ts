import { createHash, randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { type AttributeValue, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRecordProcessor } from '../../../functions/consume/consume.js';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import {
  createIdempotentDedupe,
  type HashedEventKey,
  hashedKeyOf,
  recordIdOf,
} from '../../../shared/dedupe/idempotency.js';
import { type Delivery, type EventKey, eventKeyOf } from '../../../shared/dedupe/port.js';
import { createDedupeTableClient, type DedupeTableClient } from '../../../shared/dedupe/table-client.js';
import { fakeContext } from '../../helpers/context.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { untilTurns } from '../../helpers/event-loop.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { loadEvent } from '../../helpers/load-event.js';
import { recordFor } from '../../helpers/records.js';

type Record = { messageId: string; body: string };

const template = loadEvent('consume', 'store-order-created').Records[0];
const sqsEvent = (records: Record[]): SQSEvent => {
  if (!template) throw new Error('fixture has no record');
  return { Records: records.map((record) => ({ ...template, ...record })) };
};

/** The key of a `store/order/created` event of the sandbox store with payload hash `hash`. */
const keyFor = (hash: string): EventKey =>
  eventKeyOf(
    { scope: 'store/order/created', created_at: 1_764_290_000, hash, data: { type: 'order', id: 1 } },
    'k7q2m9x4p1',
  );

/** The same BigCommerce event delivered again: a new SQS message and a new EventBridge id. */
const copyOf = (record: Record): Record => ({
  messageId: randomUUID(),
  body: JSON.stringify({ ...JSON.parse(record.body), id: randomUUID() }),
});

/** A fixed permutation (Fisher-Yates on a small LCG), so every run sends the copies in the same order. */
const shuffled = <T>(items: T[], seed: number): T[] => {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/** A handler hold the test opens: until `release()`, a handler run stays in progress. */
const gate = () => {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release };
};
/** One turn of the event loop: a handler run stays in progress while other I/O proceeds (no clock). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const failedIds = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);

let dynamo: LocalDynamo;
/** The consumer's own client of the table, as the deployed function makes it. */
let table: () => Promise<DedupeTableClient>;

beforeAll(async () => {
  dynamo = await startDynalite();
  table = createDedupeTableClient({ endpoint: dynamo.endpoint });
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await dynamo.stop();
});

/**
 * One Lambda container: its own handler, adapter and in-process state, sharing only the table. `runs`
 * counts handler calls per order id; `fail` makes the handler throw for an order id; with `hold`, each
 * handler run stays in progress until that promise settles.
 */
const containers = async (options: { windowSeconds?: number; hold?: () => Promise<void> } = {}) => {
  const tableName = await dynamo.createDedupeTable();
  const runs = new Map<number, number>();
  const failing = new Set<number>();
  const handlers: HandlerRegistry = {
    'store/order/created': async (event) => {
      runs.set(event.data.id, (runs.get(event.data.id) ?? 0) + 1);
      await options.hold?.();
      if (failing.has(event.data.id)) throw new Error(`order ${event.data.id}: downstream down`);
    },
  };
  const container = () =>
    createConsumeHandler({
      handlers,
      dedupe: createIdempotentDedupe({
        dynamo: table,
        tableName,
        windowSeconds: options.windowSeconds ?? 3600,
      }),
    });
  const totalRuns = () => [...runs.values()].reduce((sum, count) => sum + count, 0);
  return { container, runs, failing, totalRuns };
};

const order = (id: number) => recordFor('store/order/created', { type: 'order', id });

/**
 * A proxy in front of dynalite that records each call's operation and, for the calls numbered in
 * `resetAnswers`, forwards the call but resets the client's connection instead of answering (an answer
 * lost after DynamoDB wrote). It also does what DynamoDB does and dynalite does not: a PutItem whose
 * condition failed with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` gets the item found in its error.
 */
const startTableProxy = async (local: LocalDynamo, options: { resetAnswers: number[] }) => {
  const upstream = new URL(local.endpoint);
  const operations: string[] = [];
  const proxy = createServer((request, response) => {
    const call = operations.length;
    operations.push(String(request.headers['x-amz-target']).split('.').pop() ?? '');
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      const sent = Buffer.concat(body);
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: 'POST', path: '/', headers: request.headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', async () => {
            if (options.resetAnswers.includes(call)) {
              request.socket.destroy();
              return;
            }
            let payload = Buffer.concat(chunks);
            const input = JSON.parse(sent.toString()) as {
              TableName: string;
              Item?: { id: AttributeValue };
              ReturnValuesOnConditionCheckFailure?: string;
            };
            if (
              payload.includes('ConditionalCheckFailedException') &&
              input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' &&
              input.Item
            ) {
              const { Item } = await local.client.send(
                new GetItemCommand({
                  TableName: input.TableName,
                  Key: { id: input.Item.id },
                  ConsistentRead: true,
                }),
              );
              payload = Buffer.from(JSON.stringify({ ...JSON.parse(payload.toString()), Item }));
            }
            const headers = { ...answer.headers, 'content-length': String(payload.length) };
            response.writeHead(answer.statusCode ?? 500, headers).end(payload);
          });
        },
      );
      forward.end(sent);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    operations,
    stop: () => {
      proxy.closeAllConnections();
      proxy.close();
    },
  };
};

describe('Dedupe on DynamoDB (dynalite): duplicates of one event', () => {
  it('runs the handler once for two copies in one batch, and acknowledges both', async () => {
    // Prepare
    const held = gate();
    const { container, totalRuns } = await containers({ hold: () => held.opened });
    const first = order(1);

    // Act: the copy comes while the first run is still in progress
    const response = container()(sqsEvent([first, copyOf(first)]), fakeContext());
    await untilTurns(() => totalRuns() === 1);
    held.release();

    // Assess
    expect(await response).toEqual({ batchItemFailures: [] });
    expect(totalRuns()).toBe(1);
  });

  it('runs the handler once for copies in two concurrent invocations; the held copy is retried, then skipped', async () => {
    // Prepare
    const held = gate();
    const { container, totalRuns } = await containers({ hold: () => held.opened });
    const first = order(2);
    const copy = copyOf(first);

    // Act: one invocation runs the handler and is held there; the other finds the event in progress and
    // answers first (were both to run the handler, neither would answer and the test would time out).
    const invocations = [
      container()(sqsEvent([first]), fakeContext()),
      container()(sqsEvent([copy]), fakeContext()),
    ];
    await Promise.race(invocations);
    held.release();
    const [a, b] = await Promise.all(invocations);
    if (a === undefined || b === undefined) throw new Error('two invocations expected');
    const failed = [...failedIds(a), ...failedIds(b)];
    const retry = await container()(
      sqsEvent([first, copy].filter((r) => failed.includes(r.messageId))),
      fakeContext(),
    );

    // Assess
    expect(totalRuns()).toBe(1);
    expect(failed).toHaveLength(1);
    expect(retry).toEqual({ batchItemFailures: [] });
  });

  it('does not mark a failed event done: the retry runs the handler again', async () => {
    // Prepare
    const { container, runs, failing } = await containers();
    const first = order(3);
    failing.add(3);

    // Act
    const failed = await container()(sqsEvent([first]), fakeContext());
    failing.delete(3);
    const retried = await container()(sqsEvent([first]), fakeContext());
    const duplicate = await container()(sqsEvent([copyOf(first)]), fakeContext());

    // Assess
    expect(failedIds(failed)).toEqual([first.messageId]);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(duplicate).toEqual({ batchItemFailures: [] });
    expect(runs.get(3)).toBe(2);
  });

  it('runs a copy again once the window has passed', async () => {
    // Prepare
    const { container, runs } = await containers({ windowSeconds: 1 });
    const first = order(4);

    // Act: the clock (Date only; sockets keep real timers) moves past the window instead of waiting it out.
    vi.useFakeTimers({ toFake: ['Date'] });
    await container()(sqsEvent([first]), fakeContext());
    await container()(sqsEvent([copyOf(first)]), fakeContext());
    const withinWindow = runs.get(4);
    vi.setSystemTime(Date.now() + 1_500);
    await container()(sqsEvent([copyOf(first)]), fakeContext());

    // Assess
    expect(withinWindow).toBe(1);
    expect(runs.get(4)).toBe(2);
  });

  it("frees a crashed invocation's hold on an event when that invocation's deadline passes", async () => {
    // Prepare
    const tableName = await dynamo.createDedupeTable();
    const adapter = () => createIdempotentDedupe({ dynamo: table, tableName, windowSeconds: 3600 });
    const crashed = adapter();
    crashed.useLambdaContext({ ...fakeContext(), getRemainingTimeInMillis: () => 300 });
    const other = adapter();
    other.useLambdaContext(fakeContext());
    const key = keyFor('a'.repeat(40));
    const delivery = (messageId: string) => ({ messageId, eventBridgeId: `eb-${messageId}` });
    let ran = 0;
    const work = async () => {
      ran += 1;
    };

    // Act: an invocation with 300 ms left takes the event and never finishes; then the clock (Date only)
    // moves past its deadline.
    vi.useFakeTimers({ toFake: ['Date'] });
    let taken = () => undefined as unknown;
    const held = new Promise((resolve) => {
      taken = () => resolve(undefined);
    });
    void crashed.once(key, delivery('m-1'), () => {
      taken();
      return new Promise<void>(() => undefined);
    });
    await held;
    const whileHeld = await other.once(key, delivery('m-2'), work).catch((error: Error) => error.name);
    vi.setSystemTime(Date.now() + 400);
    const afterDeadline = await other.once(key, delivery('m-3'), work);

    // Assess
    expect(whileHeld).toBe('EventInProgressError');
    expect(afterDeadline).toEqual({ status: 'ran' });
    expect(ran).toBe(1);
  });
  it('keys each record by the hash of the same text as before the key held the parsed data, so a deploy forgets nothing', async () => {
    // Prepare: the id Powertools gave an event's record when the key carried its data as JSON text.
    const tableName = await dynamo.createDedupeTable();
    const dedupe = createIdempotentDedupe({ dynamo: table, tableName, windowSeconds: 3600 });
    const key = keyFor('d'.repeat(40));
    const text = JSON.stringify({
      createdAt: key.createdAt,
      data: '{"type":"order","id":1}',
      hash: key.hash,
      scope: key.scope,
      storeHash: key.storeHash,
    });
    const id = `bigcommerce-event#${createHash('md5').update(text).digest('base64')}`;

    // Act
    await dedupe.once(key, { messageId: 'm-1', eventBridgeId: 'eb-1' }, async () => undefined);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: tableName, Key: { id: { S: id } }, ConsistentRead: true }),
    );

    // Assess
    expect(Item?.status?.S).toBe('COMPLETED');
    expect(recordIdOf(key)).toBe(id);
  });
  it("shares its records with Powertools' own DynamoDB layer both ways, so moving between them forgets nothing", async () => {
    // Prepare
    const tableName = await dynamo.createDedupeTable();
    const ours = createIdempotentDedupe({ dynamo: table, tableName, windowSeconds: 3600 });
    // Powertools' own layer behind the same wrapper as ours: the key in the form ours hashes.
    const theirs = makeIdempotent(
      async (_key: HashedEventKey, delivery: Delivery, work: () => Promise<void>) => {
        await work();
        return delivery;
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo.client }),
        config: new IdempotencyConfig({ expiresAfterSeconds: 3600 }),
        keyPrefix: 'bigcommerce-event',
      },
    );
    const keyA = keyFor('a'.repeat(40));
    const keyB = keyFor('b'.repeat(40));
    const delivery = (messageId: string) => ({ messageId, eventBridgeId: `eb-${messageId}` });
    let ran = 0;
    const work = async () => {
      ran += 1;
    };

    // Act
    await theirs(hashedKeyOf(keyA), delivery('m-1'), work);
    const copyOfA = await ours.once(keyA, delivery('m-2'), work);
    await ours.once(keyB, delivery('m-3'), work);
    const copyOfB = await theirs(hashedKeyOf(keyB), delivery('m-4'), work);

    // Assess
    expect(copyOfA).toEqual({ status: 'duplicate', first: delivery('m-1') });
    expect(copyOfB).toEqual(delivery('m-3'));
    expect(ran).toBe(2);
  });
  it('runs an event whose first put was written but whose answer was lost to a reset socket', async () => {
    // Prepare: a proxy in front of dynalite forwards the first put, then resets the client's connection
    // instead of answering; the client retries the put, which meets the item its first attempt wrote.
    const tableName = await dynamo.createDedupeTable();
    const proxy = await startTableProxy(dynamo, { resetAnswers: [0] });
    const dedupe = createIdempotentDedupe({
      dynamo: createDedupeTableClient({ endpoint: proxy.endpoint }),
      tableName,
      windowSeconds: 3600,
    });
    dedupe.useLambdaContext(fakeContext());
    let ran = 0;

    // Act
    const outcome = await dedupe
      .once(keyFor('d'.repeat(40)), { messageId: 'm-1', eventBridgeId: 'eb-1' }, async () => {
        ran += 1;
      })
      .finally(proxy.stop);

    // Assess
    expect(outcome).toEqual({ status: 'ran' });
    expect(ran).toBe(1);
    // The put whose answer was reset, its retry (condition failed on its own item), the completion.
    expect(proxy.operations).toEqual(['PutItem', 'PutItem', 'UpdateItem']);
  });

  it('fails a copy whose put meets an item another put wrote and is live, also after a reset socket', async () => {
    // Prepare: another invocation holds the event; this put's first answer is lost, its retry meets that item.
    const tableName = await dynamo.createDedupeTable();
    const holder = createIdempotentDedupe({ dynamo: table, tableName, windowSeconds: 3600 });
    holder.useLambdaContext(fakeContext());
    const key = keyFor('f'.repeat(40));
    let entered = () => undefined as unknown;
    let release = () => undefined as unknown;
    const started = new Promise((resolve) => {
      entered = () => resolve(undefined);
    });
    const held = holder.once(key, { messageId: 'm-1', eventBridgeId: 'eb-1' }, () => {
      entered();
      return new Promise<void>((resolve) => {
        release = () => resolve();
      });
    });
    await started;
    const proxy = await startTableProxy(dynamo, { resetAnswers: [0] });
    const copy = createIdempotentDedupe({
      dynamo: createDedupeTableClient({ endpoint: proxy.endpoint }),
      tableName,
      windowSeconds: 3600,
    });
    copy.useLambdaContext(fakeContext());

    // Act
    const error = await copy
      .once(key, { messageId: 'm-2', eventBridgeId: 'eb-2' }, async () => undefined)
      .catch((caught: Error) => caught)
      .finally(proxy.stop);
    release();
    await held;

    // Assess
    expect(error).toMatchObject({ name: 'EventInProgressError' });
    expect(proxy.operations.slice(0, 2)).toEqual(['PutItem', 'PutItem']);
  });
});

describe('Dedupe on DynamoDB (dynalite): distinct events that share a hash', () => {
  it('runs an event while another of the same store and hash but another scope is still running', async () => {
    // Prepare
    const tableName = await dynamo.createDedupeTable();
    const dedupe = createIdempotentDedupe({ dynamo: table, tableName, windowSeconds: 3600 });
    dedupe.useLambdaContext(fakeContext());
    const created = keyFor('e'.repeat(40));
    const archived = { ...created, scope: 'store/order/archived' };
    let archivedRan = false;
    let second: Promise<unknown> | undefined;

    // Act: the first event's handler runs the second event and waits for it, so a dedupe that made the
    // second wait for the first would never finish (and the test would time out)
    const first = await dedupe.once(created, { messageId: 'm-1', eventBridgeId: 'eb-1' }, async () => {
      second = dedupe.once(archived, { messageId: 'm-2', eventBridgeId: 'eb-2' }, async () => {
        archivedRan = true;
      });
      await second;
    });

    // Assess
    expect(archivedRan).toBe(true);
    expect(first).toEqual({ status: 'ran' });
    expect(await second).toEqual({ status: 'ran' });
  });
});

describe('Dedupe on DynamoDB (dynalite): a handler that throws something other than an Error', () => {
  it.each([
    ['undefined', undefined],
    ['an object', { code: 'E_DOWNSTREAM' }],
    ['a string', 'downstream down'],
  ])('logs a handler throwing %s once, as the handler failing, and fails the record', async (_, thrown) => {
    // Prepare: Powertools wraps every non-Error the work throws before the consumer sees it again.
    const tableName = await dynamo.createDedupeTable();
    const dedupe = createIdempotentDedupe({ dynamo: table, tableName, windowSeconds: 3600 });
    dedupe.useLambdaContext(fakeContext());
    const { logger, lines } = createFakeLogger();
    const process = createRecordProcessor({
      handlers: {
        'store/order/created': () => {
          throw thrown;
        },
      },
      logger,
      dedupe,
    });

    // Act
    const outcome = await process(order(5)).then(
      () => 'acknowledged',
      () => 'failed',
    );

    // Assess
    expect(outcome).toBe('failed');
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'handler failed; the record will be retried'],
    ]);
    expect(lines[0]?.extra).toMatchObject({ handler: 'store/order/created' });
  });
});

describe('Dedupe on DynamoDB (dynalite): many copies across concurrent invocations', () => {
  it('runs each event once when every event arrives three times, shuffled over concurrent invocations', async () => {
    // Prepare
    const events = 30;
    const copies = 3;
    const { container, runs, totalRuns } = await containers({ hold: turn });
    const originals = Array.from({ length: events }, (_, index) => order(1000 + index));
    let pending = originals.flatMap((record) => [
      record,
      ...Array.from({ length: copies - 1 }, () => copyOf(record)),
    ]);
    pending = shuffled(pending, 7);
    const deliveries = pending.length;
    let invocations = 0;
    let retried = 0;

    // Act: batches of 10 run at the same time in separate containers; failed records come back, as SQS does.
    for (let round = 0; pending.length > 0 && round < 10; round += 1) {
      const batches = Array.from({ length: Math.ceil(pending.length / 10) }, (_, i) =>
        pending.slice(i * 10, i * 10 + 10),
      );
      invocations += batches.length;
      const responses = await Promise.all(
        batches.map((batch) => container()(sqsEvent(batch), fakeContext())),
      );
      const failed = new Set(responses.flatMap(failedIds));
      pending = pending.filter((record) => failed.has(record.messageId));
      retried += pending.length;
    }

    // Assess
    console.info(
      `dedupe figures: ${deliveries} deliveries of ${events} events in ${invocations} invocations ` +
        `(${retried} held copies retried) -> ${totalRuns()} handler runs`,
    );
    expect(pending).toEqual([]);
    expect(totalRuns()).toBe(events);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  });
});
