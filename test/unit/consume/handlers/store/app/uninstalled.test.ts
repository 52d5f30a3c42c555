import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUninstallHandler,
  tableMarker,
} from '../../../../../../functions/consume/handlers/store/app/uninstalled.js';
import { dynamoStoreRegistry } from '../../../../../../shared/provisioning/registry.js';
import { type LocalDynamo, startDynalite } from '../../../../../helpers/dynalite.js';
import { handlerContext, sampleEvent } from '../../../../../helpers/handlers.js';

const STORE = 'k7q2m9x4p1';

describe('Handler: store/app/uninstalled (built in)', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  /** A stores table with the store registered at `registeredAt`, and the handler on it as deployed. */
  const registered = async (registeredAt: number) => {
    const table = await dynamo.createStoresTable();
    const registry = dynamoStoreRegistry(dynamo.client, table, () => registeredAt);
    await registry.record(
      STORE,
      { scopes: ['store/order/created'], eventSourceName: `bigcommerce-webhooks-dev-${STORE}`, prune: false },
      registeredAt,
      { outcome: 'converged' },
    );
    const previous = { ...process.env };
    process.env.STORES_TABLE_NAME = table;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    const handle = createUninstallHandler(tableMarker());
    const restore = () => {
      process.env.STORES_TABLE_NAME = previous.STORES_TABLE_NAME;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = previous.AWS_ENDPOINT_URL_DYNAMODB;
      if (previous.STORES_TABLE_NAME === undefined) delete process.env.STORES_TABLE_NAME;
      if (previous.AWS_ENDPOINT_URL_DYNAMODB === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    };
    return { registry, handle, restore };
  };

  it('marks the registered store uninstalled at the time of the event', async () => {
    // Prepare
    const { registry, handle, restore } = await registered(1_796_000_000_000);
    const context = handlerContext({ storeHash: STORE });

    try {
      // Act
      await handle(
        sampleEvent('store/app/uninstalled', { storeHash: STORE, createdAt: 1_796_100_000 }),
        context,
      );

      // Assess
      expect((await registry.get(STORE))?.uninstalledAt).toBe(1_796_100_000_000);
      expect(context.logs).toEqual([
        expect.objectContaining({
          level: 'info',
          message: expect.stringContaining('the next scheduled reconcile tears down the store'),
        }),
      ]);
    } finally {
      restore();
    }
  });

  it('leaves a store registered again after the event alone, and says so', async () => {
    // Prepare: a POST after the (late) event
    const { registry, handle, restore } = await registered(1_796_200_000_000);
    const context = handlerContext({ storeHash: STORE });

    try {
      // Act
      await handle(
        sampleEvent('store/app/uninstalled', { storeHash: STORE, createdAt: 1_796_100_000 }),
        context,
      );

      // Assess
      expect((await registry.get(STORE))?.uninstalledAt).toBeUndefined();
      expect(context.logs[0]?.message).toContain('not registered (or was registered again since)');
    } finally {
      restore();
    }
  });

  it('keeps the store when the event falls in the same second as the last POST (a tie keeps the chain)', async () => {
    // Prepare: POST at 12:00:00.400; created_at is whole seconds, so the event reads as 12:00:00.000
    const { registry, handle, restore } = await registered(1_796_100_000_400);
    const context = handlerContext({ storeHash: STORE });

    try {
      // Act
      await handle(
        sampleEvent('store/app/uninstalled', { storeHash: STORE, createdAt: 1_796_100_000 }),
        context,
      );

      // Assess: wrongly tearing down loses events; a leftover chain costs nothing (the next reconcile finds the
      // token revoked and records the store failed for good, for someone to DELETE)
      expect((await registry.get(STORE))?.uninstalledAt).toBeUndefined();
    } finally {
      restore();
    }
  });

  it('dates an uninstall without created_at by its EventBridge time, never by when the copy arrived', async () => {
    // Prepare: a reinstall's POST on Nov 30; a stale uninstall of Nov 29 redriven later, and a real one of Dec 1
    const postedAt = Date.parse('2026-11-30T12:00:00Z');
    const { created_at: _dropped, ...undated } = sampleEvent('store/app/uninstalled', { storeHash: STORE });
    const uninstalledAt = async (time: string) => {
      const { registry, handle, restore } = await registered(postedAt);
      try {
        await handle(
          undated,
          handlerContext({
            storeHash: STORE,
            eventBridge: {
              id: '7ad6d4d4-2b1d-4d4c-9f0e-2b7d3c9a1e55',
              source: `aws.partner/bigcommerce.com/bigcommerce-webhooks-dev-${STORE}`,
              account: '123456789012',
              region: 'us-east-1',
              time,
              resources: [],
            },
          }),
        );
        return (await registry.get(STORE))?.uninstalledAt;
      } finally {
        restore();
      }
    };

    // Act
    const stale = await uninstalledAt('2026-11-29T08:00:00Z');
    const real = await uninstalledAt('2026-12-01T08:00:00Z');

    // Assess: the stale copy is older than the POST, so the reinstalled store keeps its chain
    expect(stale).toBeUndefined();
    expect(real).toBe(Date.parse('2026-12-01T08:00:00Z'));
  });

  it('marks nothing for an HTTPS uninstall without created_at, and says how to tear down', async () => {
    // Prepare
    const { registry, handle, restore } = await registered(1_796_000_000_000);
    const { created_at: _dropped, ...undated } = sampleEvent('store/app/uninstalled', { storeHash: STORE });
    const context = handlerContext({ storeHash: STORE, transport: 'https' });

    try {
      // Act
      await handle(undated, context);

      // Assess
      expect((await registry.get(STORE))?.uninstalledAt).toBeUndefined();
      expect(context.logs).toEqual([
        expect.objectContaining({
          level: 'warn',
          message: expect.stringContaining('undated (no created_at)'),
        }),
      ]);
    } finally {
      restore();
    }
  });

  it('fails the record when the table cannot be written, so it is retried', async () => {
    // Prepare
    const failing = createUninstallHandler(async () => {
      throw new Error('UpdateItem failed: ProvisionedThroughputExceededException');
    });

    // Act
    const run = failing(sampleEvent('store/app/uninstalled', { storeHash: STORE }), handlerContext());

    // Assess
    await expect(run).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
