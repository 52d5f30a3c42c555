import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoFaults, startDynamoFaults } from '../../../local/dynamo-faults.js';
import { createDedupeTableClient } from '../../../shared/dedupe/table-client.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { until } from '../../helpers/until.js';

describe('Offline stack: the dedupe table fault proxy', () => {
  let dynamo: LocalDynamo;
  let proxy: DynamoFaults;
  let dedupeTable: string;
  let otherTable: string;
  /** The proxy's clock: an outage ends when the test moves it, not after a wait. */
  let clock = 0;
  let items = 0;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  afterEach(async () => {
    await proxy.close();
  });

  const start = async () => {
    dedupeTable = await dynamo.createDedupeTable();
    otherTable = await dynamo.createStoresTable();
    clock = 1_000;
    proxy = await startDynamoFaults({ upstream: dynamo.endpoint, dedupeTable, now: () => clock });
    return createDedupeTableClient({ endpoint: proxy.endpoint });
  };
  const lockItem = (id: string) => ({ id, status: 'INPROGRESS', expiration: 2_000_000_000 });
  const storedStatus = async (table: string, key: Record<string, { S: string }>) => {
    const { Item } = await dynamo.client.send(new GetItemCommand({ TableName: table, Key: key }));
    return Item?.status?.S;
  };
  /** An AWS SDK client that goes through the proxy, as provision's store leases do. */
  const sdkThroughProxy = () =>
    new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  const nextId = () => {
    items += 1;
    return `bigcommerce-event#item-${items}`;
  };

  it('passes calls through to the table while no fault is armed', async () => {
    // Prepare
    const client = await (await start())();
    const id = nextId();

    // Act
    await client.PutItem({ TableName: dedupeTable, Item: lockItem(id) });
    const { Item } = await client.GetItem({ TableName: dedupeTable, Key: { id }, ConsistentRead: true });

    // Assess
    expect(Item).toMatchObject({ id, status: 'INPROGRESS' });
    expect(proxy.counts()).toEqual({ refused: {}, stalledLocks: 0, stalledCallersGone: 0 });
  });

  it('answers the dedupe table with 500 InternalServerError during an outage, past the client retries, and recovers when it ends', async () => {
    // Prepare
    const client = await (await start())();
    const id = nextId();
    proxy.outage(5_000);

    // Act
    const during = await client
      .PutItem({ TableName: dedupeTable, Item: lockItem(id) })
      .catch((error: unknown) => error);
    const otherTableDuring = await sdkThroughProxy().send(
      new PutItemCommand({ TableName: otherTable, Item: { storeHash: { S: 'k7q2m9x4p1' } } }),
    );
    clock += 5_000;
    const after = await client.PutItem({ TableName: dedupeTable, Item: lockItem(id) });

    // Assess
    expect(during).toMatchObject({ name: 'InternalServerError', statusCode: 500 });
    // aws-lite's first attempt and its 5 retries, every one refused; nothing reached the table.
    expect(proxy.counts().refused).toEqual({ PutItem: 6 });
    expect(otherTableDuring.$metadata.httpStatusCode).toBe(200);
    expect(after).toBeDefined();
    expect(proxy.inOutage()).toBe(false);
    expect(await storedStatus(dedupeTable, { id: { S: id } })).toBe('INPROGRESS');
  }, 20_000);

  it('writes a stalled lock to the table and never answers it, until its caller goes away; the next lock of the same event passes', async () => {
    // Prepare
    await start();
    const id = nextId();
    proxy.stallLocks(1);
    const caller = new AbortController();
    const client = sdkThroughProxy();
    const put = (signal?: AbortSignal) =>
      client.send(
        new PutItemCommand({ TableName: dedupeTable, Item: { id: { S: id }, status: { S: 'INPROGRESS' } } }),
        { abortSignal: signal },
      );

    // Act
    const stalled = put(caller.signal).catch((error: unknown) => error);
    await until(async () => (await storedStatus(dedupeTable, { id: { S: id } })) === 'INPROGRESS');
    const heldWhileWritten = proxy.counts();
    caller.abort();
    const outcome = await stalled;
    await until(() => proxy.counts().stalledCallersGone === 1);
    proxy.stallLocks(1);
    const again = await put();

    // Assess
    expect(heldWhileWritten).toMatchObject({ stalledLocks: 1, stalledCallersGone: 0 });
    expect(outcome).toMatchObject({ name: 'AbortError' });
    expect(again.$metadata.httpStatusCode).toBe(200);
    expect(proxy.counts()).toMatchObject({ stalledLocks: 1, stalledCallersGone: 1 });
  });

  it("stalls the lock put of an aimed-at record only, lets other records' locks pass, and stalls nothing once disarmed", async () => {
    // Prepare
    const client = await (await start())();
    const [other, aimed, later] = [nextId(), nextId(), nextId()];
    const disarm = proxy.stallLockOf(new Set([aimed]));
    proxy.stallLockOf(new Set(['never-put']))();

    // Act
    await client.PutItem({ TableName: dedupeTable, Item: lockItem(other) });
    void client.PutItem({ TableName: dedupeTable, Item: lockItem(aimed) }).catch(() => undefined);
    await until(async () => (await storedStatus(dedupeTable, { id: { S: aimed } })) === 'INPROGRESS');
    disarm();
    const afterDisarm = await client.PutItem({ TableName: dedupeTable, Item: lockItem(later) });

    // Assess: one stall, the aimed-at record's; the disarmed one took nothing
    expect(proxy.counts()).toMatchObject({ stalledLocks: 1 });
    expect(afterDisarm).toBeDefined();
  });

  it('stalls only lock puts on the dedupe table: completions and other tables pass', async () => {
    // Prepare
    const client = await (await start())();
    const id = nextId();
    proxy.stallLocks(1);

    // Act
    await client.PutItem({
      TableName: dedupeTable,
      Item: { id, status: 'COMPLETED', expiration: 2_000_000_000 },
    });
    const other = await sdkThroughProxy().send(
      new PutItemCommand({
        TableName: otherTable,
        Item: { storeHash: { S: 'b3n8w2r6t0' }, status: { S: 'INPROGRESS' } },
      }),
    );

    // Assess
    expect(await storedStatus(dedupeTable, { id: { S: id } })).toBe('COMPLETED');
    expect(other.$metadata.httpStatusCode).toBe(200);
    expect(await storedStatus(otherTable, { storeHash: { S: 'b3n8w2r6t0' } })).toBe('INPROGRESS');
    expect(proxy.counts().stalledLocks).toBe(0);
  });
});
