import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutOfTimeError, ProvisionError } from '../../../shared/provisioning/errors.js';
import { OperationInProgressError, withLease } from '../../../shared/provisioning/lease.js';
import { dynamoStoreLeases } from '../../../shared/provisioning/stores-table.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';

describe('Store leases on the stores table (dynalite over HTTP)', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  /** Leases on a fresh table, with a clock the test moves. */
  const leasesAt = async (start = 1_000_000) => {
    const clock = { now: start };
    const leases = dynamoStoreLeases(dynamo.client, await dynamo.createStoresTable(), () => clock.now);
    return { leases, clock };
  };

  it('lets one run hold a store at a time, and says when to call again', async () => {
    // Prepare
    const { leases, clock } = await leasesAt();

    // Act
    const first = await leases.acquire('k7q2m9x4p1', clock.now + 3_000);
    const refused = await leases.acquire('k7q2m9x4p1', clock.now + 3_000).catch((error: unknown) => error);
    const otherStore = await leases.acquire('b3n8w2r6t0', clock.now + 3_000);
    await first.release();
    const after = await leases.acquire('k7q2m9x4p1', clock.now + 3_000);

    // Assess
    expect(refused).toBeInstanceOf(OperationInProgressError);
    expect(refused).toMatchObject({ name: 'OperationInProgress', retryAfterMs: 3_000 });
    expect(otherStore).toBeDefined();
    expect(after).toBeDefined();
  });

  it('lets a lease whose invocation ended be taken, and then the late holder cannot release it', async () => {
    // Prepare: a run that crashed holding the lease until its deadline
    const { leases, clock } = await leasesAt();
    const crashed = await leases.acquire('k7q2m9x4p1', clock.now + 1_000);

    // Act
    clock.now += 1_001;
    const next = await leases.acquire('k7q2m9x4p1', clock.now + 5_000);
    await crashed.release();
    const refused = await leases.acquire('k7q2m9x4p1', clock.now + 5_000).catch((error: unknown) => error);

    // Assess
    expect(next).toBeDefined();
    expect(refused).toBeInstanceOf(OperationInProgressError);
  });

  it('recognises its own lease when a write whose answer was lost is retried', async () => {
    // Prepare: the first UpdateItem reaches DynamoDB twice, as an SDK retry after a lost answer would
    const { clock } = await leasesAt();
    const table = await dynamo.createStoresTable();
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    let replayed = false;
    client.middlewareStack.add(
      (next) => async (args) => {
        if (!replayed) {
          replayed = true;
          await next(args);
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    const leases = dynamoStoreLeases(client, table, () => clock.now);

    // Act
    const lease = await leases.acquire('k7q2m9x4p1', clock.now + 3_000);

    // Assess
    expect(replayed).toBe(true);
    expect(lease).toBeDefined();
    client.destroy();
  });

  it('releases the lease however the work ends', async () => {
    // Prepare
    const { leases, clock } = await leasesAt();
    const warn = () => undefined;

    // Act
    const failed = await withLease(
      leases,
      'k7q2m9x4p1',
      clock.now + 3_000,
      async () => {
        throw new Error('boom');
      },
      { warn },
    ).catch((error: unknown) => error);
    const next = await withLease(leases, 'k7q2m9x4p1', clock.now + 3_000, async () => 'ran', { warn });

    // Assess
    expect(failed).toEqual(new Error('boom'));
    expect(next).toBe('ran');
  });

  it('keeps the lease of a run stopped at its deadline until the invocation ends (its step may still be running)', async () => {
    // Prepare
    const { leases, clock } = await leasesAt();
    const warn = () => undefined;

    // Act
    const stopped = await withLease(
      leases,
      'k7q2m9x4p1',
      clock.now + 3_000,
      async () => {
        throw new ProvisionError('bus', new OutOfTimeError(), []);
      },
      { warn },
    ).catch((error: unknown) => error);
    const refused = await leases.acquire('k7q2m9x4p1', clock.now + 3_000).catch((error: unknown) => error);
    clock.now += 3_001;
    const after = await leases.acquire('k7q2m9x4p1', clock.now + 3_000);

    // Assess
    expect(stopped).toBeInstanceOf(ProvisionError);
    expect(refused).toBeInstanceOf(OperationInProgressError);
    expect(after).toBeDefined();
  });
});
