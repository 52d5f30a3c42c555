import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../shared/aws/errors.js';
import { AccessRefusedError } from '../../../shared/bigcommerce/graphql/client.js';
import { ProvisionError } from '../../../shared/provisioning/errors.js';
import { OperationInProgressError } from '../../../shared/provisioning/lease.js';
import {
  dynamoStoreRegistry,
  MAX_MESSAGE_LENGTH,
  outcomeOfError,
  outcomeOfResult,
  type RegisteredStore,
} from '../../../shared/provisioning/registry.js';
import { dynamoStoreLeases } from '../../../shared/provisioning/stores-table.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';

const desired = (scopes: string[], prune = false, transport: 'eventbridge' | 'https' = 'eventbridge') => ({
  scopes,
  eventSourceName: 'bigcommerce-webhooks-test-k7q2m9x4p1',
  prune,
  transport,
});

describe('Store registry on the stores table (dynalite over HTTP)', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  /** A registry and leases on a fresh table, with a clock the test moves. */
  const tableAt = async (start = 1_000_000) => {
    const clock = { now: start };
    const table = await dynamo.createStoresTable();
    return {
      clock,
      table,
      registry: dynamoStoreRegistry(dynamo.client, table, () => clock.now),
      leases: dynamoStoreLeases(dynamo.client, table, () => clock.now),
    };
  };

  /** Every registered store, following `next` to the end. */
  const listAll = async (registry: ReturnType<typeof dynamoStoreRegistry>, limit: number) => {
    const pages: RegisteredStore[][] = [];
    let next: string | undefined;
    do {
      const page = await registry.list(limit, next);
      pages.push(page.stores);
      next = page.next;
    } while (next && pages.length < 20);
    return pages;
  };

  it('records the desired state and last result, and a later run updates both but not when it registered', async () => {
    // Prepare
    const { registry, clock } = await tableAt();

    // Act
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });
    clock.now += 5_000;
    const started = clock.now;
    clock.now += 700;
    await registry.record('k7q2m9x4p1', desired(['store/cart/*'], true), started, {
      outcome: 'failed',
      step: 'webhooks',
      type: 'TransientError',
      message: 'BigCommerce answered 429',
    });
    const { stores, next } = await registry.list(10);

    // Assess
    expect(next).toBeUndefined();
    expect(stores).toEqual([
      {
        storeHash: 'k7q2m9x4p1',
        desired: desired(['store/cart/*'], true),
        registeredAt: 1_000_000,
        lastRun: {
          startedAt: 1_005_000,
          endedAt: 1_005_700,
          outcome: 'failed',
          step: 'webhooks',
          type: 'TransientError',
          message: 'BigCommerce answered 429',
        },
      },
    ]);
  });

  it("keeps each store's transport, and an item written before transports reads without one (eventbridge)", async () => {
    // Prepare: an item as the registry wrote it before the desired state had a transport
    const { registry, clock, table } = await tableAt();
    await registry.record('b3n8w2r6t0', desired(['store/order/*'], false, 'https'), clock.now, {
      outcome: 'converged',
    });
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });
    await dynamo.client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { storeHash: { S: 'k7q2m9x4p1' } },
        UpdateExpression: 'REMOVE #desired.#transport',
        ExpressionAttributeNames: { '#desired': 'desired', '#transport': 'transport' },
      }),
    );

    // Act
    const https = await registry.get('b3n8w2r6t0');
    const old = await registry.get('k7q2m9x4p1');

    // Assess
    expect(https?.desired.transport).toBe('https');
    const { transport: _, ...before } = desired(['store/order/*']);
    expect(old?.desired).toEqual(before);
  });

  it('keeps the record of a newer run when a run that outlived its lease finishes later', async () => {
    // Prepare: run A started at t, its lease expired, run B started later and recorded first
    const { registry, clock } = await tableAt();
    const startedA = clock.now;
    await registry.record('k7q2m9x4p1', desired(['store/cart/*']), startedA + 30_000, {
      outcome: 'converged',
    });

    // Act
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), startedA, {
      outcome: 'drifted',
      message: 'late',
    });
    await registry.unregister('k7q2m9x4p1', startedA);
    const { stores } = await registry.list(10);

    // Assess
    expect(stores).toHaveLength(1);
    expect(stores[0]).toMatchObject({
      desired: desired(['store/cart/*']),
      lastRun: { outcome: 'converged', startedAt: startedA + 30_000 },
    });
  });

  it('unregisters a store without touching the lease a run holds on the same item', async () => {
    // Prepare: a run holds the lease while it records, then tears down and unregisters
    const { registry, leases, clock } = await tableAt();
    const lease = await leases.acquire('k7q2m9x4p1', clock.now + 10_000);
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });
    await registry.record('b3n8w2r6t0', desired(['store/order/*']), clock.now, { outcome: 'converged' });

    // Act
    await registry.unregister('k7q2m9x4p1', clock.now + 1);
    const { stores } = await registry.list(10);
    const refused = await leases.acquire('k7q2m9x4p1', clock.now + 10_000).catch((error: unknown) => error);
    await lease.release();
    const after = await leases.acquire('k7q2m9x4p1', clock.now + 10_000);

    // Assess
    expect(stores.map((store) => store.storeHash)).toEqual(['b3n8w2r6t0']);
    expect(refused).toBeInstanceOf(OperationInProgressError);
    expect(after).toBeDefined();
  });

  it('lists only registered stores, not items holding only a lease, a page of `limit` at a time', async () => {
    // Prepare: three registered stores and two that only ever took a lease
    const { registry, leases, clock } = await tableAt();
    for (const storeHash of ['k7q2m9x4p1', 'b3n8w2r6t0', 'q5z1c7v9h4']) {
      await registry.record(storeHash, desired(['store/order/*']), clock.now, { outcome: 'converged' });
    }
    for (const storeHash of ['leaseonly1', 'leaseonly2']) {
      await leases.acquire(storeHash, clock.now + 10_000);
    }

    // Act
    const onePerPage = await listAll(registry, 1);
    const oneList = await registry.list(10);

    // Assess
    const hashes = onePerPage.flat().map((store) => store.storeHash);
    expect(hashes.sort()).toEqual(['b3n8w2r6t0', 'k7q2m9x4p1', 'q5z1c7v9h4']);
    expect(onePerPage.every((page) => page.length <= 1)).toBe(true);
    expect(oneList.stores.map((store) => store.storeHash).sort()).toEqual(hashes);
    expect(oneList.next).toBeUndefined();
  });

  it('answers an empty page for an empty table, and for a start key no item has', async () => {
    // Prepare
    const { registry } = await tableAt();

    // Act
    const page = await registry.list(5);
    const after = await registry.list(5, 'zz9notastore');

    // Assess
    expect(page).toEqual({ stores: [] });
    expect(after).toEqual({ stores: [] });
  });

  it("does not record AWS refusing the deployment's own credentials as the store's permanent failure", () => {
    // Prepare: a deploy without events:PutRule, and a store-specific AWS refusal
    const awsError = (name: string) => Object.assign(new Error(name), { name, $fault: 'client' as const });
    const denied = new ProvisionError(
      'rule',
      classifyAwsError(awsError('AccessDeniedException'), 'PutRule'),
      [],
    );
    const invalid = new ProvisionError(
      'bus',
      classifyAwsError(awsError('ValidationException'), 'CreateEventBus'),
      [],
    );

    // Act
    const deniedOutcome = outcomeOfError(denied);
    const invalidOutcome = outcomeOfError(invalid);

    // Assess: the scheduled reconcile retries the first once the grant is back, and skips the second
    expect(deniedOutcome).toMatchObject({ outcome: 'failed', step: 'rule', type: 'PermanentError' });
    expect(deniedOutcome).not.toHaveProperty('permanent');
    expect(invalidOutcome).toMatchObject({ outcome: 'failed', step: 'bus', permanent: true });
  });

  it('describes a failed run by its step, type and message, cut to a line, and a drifted one by what is left', async () => {
    // Prepare
    const refused = new ProvisionError('credentials', new AccessRefusedError('token refused'), []);
    const long = new ProvisionError('rule', new Error('x'.repeat(MAX_MESSAGE_LENGTH * 2)), []);
    const { registry, clock } = await tableAt();

    // Act
    const failed = outcomeOfError(refused);
    const plain = outcomeOfError(new Error('boom'));
    const drifted = outcomeOfResult({
      converged: false,
      drift: [{ resource: 'webhook', action: 'would-update', scope: 'store/order/*', wanted: true }],
    });
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, outcomeOfError(long));
    const { stores } = await registry.list(1);

    // Assess
    expect(failed).toEqual({
      outcome: 'failed',
      step: 'credentials',
      type: 'AccessRefusedError',
      message: 'token refused',
      // A refused token is permanent: the scheduled reconcile skips the store until a POST records anew.
      permanent: true,
    });
    expect(plain).toEqual({ outcome: 'failed', type: 'Error', message: 'boom' });
    expect(drifted).toEqual({
      outcome: 'drifted',
      message: 'still to do after the run: webhook store/order/* would-update',
    });
    expect(outcomeOfResult({ converged: false, drift: 'the read failed' })).toMatchObject({
      message: 'the read failed',
    });
    expect(stores[0]?.lastRun).toMatchObject({ step: 'rule', type: 'Error' });
    expect(stores[0]?.lastRun && 'message' in stores[0].lastRun && stores[0].lastRun.message).toHaveLength(
      MAX_MESSAGE_LENGTH,
    );
  });
});
