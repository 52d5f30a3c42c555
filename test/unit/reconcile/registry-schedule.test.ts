import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDedupeTableClient } from '../../../shared/dedupe/table-client.js';
import { dynamoStoreRegistry } from '../../../shared/provisioning/registry.js';
import { markUninstalled } from '../../../shared/provisioning/uninstall-mark.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';

const desired = (scopes: string[]) => ({
  scopes,
  eventSourceName: 'bigcommerce-webhooks-test-k7q2m9x4p1',
  prune: false,
});

/** The registry calls the scheduled reconcile makes, and the consumer's uninstall mark, on dynalite. */
describe('Store registry: what the scheduled reconcile reads and writes', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });

  afterAll(async () => {
    await dynamo.stop();
  });

  const tableAt = async () => {
    const clock = { now: 1_000_000 };
    const table = await dynamo.createStoresTable();
    return { clock, table, registry: dynamoStoreRegistry(dynamo.client, table, () => clock.now) };
  };

  it("records a scheduled run's result and keeps the desired state a POST wrote", async () => {
    // Prepare
    const { registry, clock } = await tableAt();
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });
    clock.now += 1_000;

    // Act
    await registry.recordRun('k7q2m9x4p1', clock.now, {
      outcome: 'failed',
      step: 'credentials',
      type: 'AccessRefusedError',
      message: 'token refused',
      permanent: true,
    });
    const store = await registry.get('k7q2m9x4p1');

    // Assess
    expect(store?.desired).toEqual(desired(['store/order/*']));
    expect(store?.lastRun).toEqual({
      startedAt: 1_001_000,
      endedAt: 1_001_000,
      outcome: 'failed',
      step: 'credentials',
      type: 'AccessRefusedError',
      message: 'token refused',
      permanent: true,
    });
  });

  it("keeps a teardown's failure marked as the teardown's through the table", async () => {
    // Prepare
    const { registry, clock } = await tableAt();
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });

    // Act
    await registry.recordRun('k7q2m9x4p1', clock.now + 1, {
      outcome: 'failed',
      step: 'ownership',
      type: 'NotOwnedError',
      message: 'the bus belongs to store otherstore1',
      permanent: true,
      kind: 'teardown',
    });
    const store = await registry.get('k7q2m9x4p1');

    // Assess
    expect(store?.lastRun).toMatchObject({ outcome: 'failed', permanent: true, kind: 'teardown' });
  });

  it('records nothing for a store that is not registered, and gets nothing for it', async () => {
    // Prepare
    const { registry, clock } = await tableAt();

    // Act
    await registry.recordRun('b3n8w2r6t0', clock.now, { outcome: 'converged' });

    // Assess
    expect(await registry.get('b3n8w2r6t0')).toBeUndefined();
    expect((await registry.list(10)).stores).toEqual([]);
  });

  it('counts interrupted runs in a row, resets the count when a run is recorded, and counts none unregistered', async () => {
    // Prepare
    const { registry, clock } = await tableAt();
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });

    // Act
    const first = await registry.recordInterruption('k7q2m9x4p1');
    const second = await registry.recordInterruption('k7q2m9x4p1');
    await registry.recordRun('k7q2m9x4p1', clock.now + 1, { outcome: 'converged' });
    const afterRun = await registry.recordInterruption('k7q2m9x4p1');
    const unknown = await registry.recordInterruption('b3n8w2r6t0');

    // Assess
    expect([first, second, afterRun, unknown]).toEqual([1, 2, 1, 0]);
    expect(await registry.get('b3n8w2r6t0')).toBeUndefined();
  });

  it('keeps the cursor on an item the registry never lists, and clears it', async () => {
    // Prepare
    const { registry, clock } = await tableAt();
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });

    // Act
    const before = await registry.readCursor();
    await registry.writeCursor('k7q2m9x4p1');
    const saved = await registry.readCursor();
    const listed = await registry.list(10);
    await registry.writeCursor(undefined);
    const cleared = await registry.readCursor();

    // Assess
    expect(before).toBeUndefined();
    expect(saved).toBe('k7q2m9x4p1');
    expect(listed.stores.map((store) => store.storeHash)).toEqual(['k7q2m9x4p1']);
    expect(cleared).toBeUndefined();
  });

  it('marks a registered store uninstalled through the consumer client; a later POST clears the mark', async () => {
    // Prepare
    const { registry, clock, table } = await tableAt();
    const client = await createDedupeTableClient({ endpoint: dynamo.endpoint })();
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });

    // Act
    const marked = await markUninstalled(client, table, 'k7q2m9x4p1', clock.now + 5_000);
    const unknown = await markUninstalled(client, table, 'b3n8w2r6t0', clock.now + 5_000);
    const stale = await markUninstalled(client, table, 'k7q2m9x4p1', clock.now - 5_000);
    const afterMark = await registry.get('k7q2m9x4p1');
    clock.now += 10_000;
    await registry.record('k7q2m9x4p1', desired(['store/order/*']), clock.now, { outcome: 'converged' });
    const afterPost = await registry.get('k7q2m9x4p1');
    const late = await markUninstalled(client, table, 'k7q2m9x4p1', clock.now - 1_000);

    // Assess
    expect(marked).toBe('marked');
    expect(unknown).toBe('not-marked');
    // An event older than the POST that wrote the desired state (a late copy) marks nothing.
    expect(stale).toBe('not-marked');
    expect(afterMark?.uninstalledAt).toBe(1_005_000);
    expect(afterPost?.uninstalledAt).toBeUndefined();
    expect(late).toBe('not-marked');
    expect((await registry.get('k7q2m9x4p1'))?.uninstalledAt).toBeUndefined();
  });
});
