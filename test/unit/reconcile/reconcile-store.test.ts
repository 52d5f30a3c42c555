import { DeleteRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_TAG } from '../../../shared/provisioning/ownership.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { reconcileStore } from '../../../shared/provisioning/reconcile-store.js';
import { sharedListing } from '../../../shared/provisioning/source-listing.js';
import type { ProvisionDeps } from '../../../shared/provisioning/types.js';
import { memoryLeases } from '../../helpers/memory-leases.js';
import { memoryRegistry } from '../../helpers/memory-registry.js';
import {
  EVENT_SOURCE_NAME,
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  SCOPES,
  STORE_HASH,
  settings,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

const DESIRED = { scopes: SCOPES, eventSourceName: EVENT_SOURCE_NAME, prune: false };

/** One store's scheduled run on the sandbox and the EventBridge emulator, with its registry in memory. */
describe('Scheduled reconcile of one store', () => {
  let h: ProvisionHarness;

  beforeAll(async () => {
    h = await startProvisionHarness();
  });

  beforeEach(() => {
    h.reset();
  });

  afterAll(async () => {
    await h.close();
  });

  /** A store provisioned and registered as a POST leaves it; `run` is the scheduled run of it. */
  const registered = async (
    options: { provisioned?: boolean; deadline?: number; listSources?: ProvisionDeps['listSources'] } = {},
  ) => {
    const clock = { now: Date.now() };
    const memory = memoryRegistry(() => clock.now);
    if (options.provisioned ?? true) {
      await provision({ storeHash: STORE_HASH, ...DESIRED, dryRun: false }, settings, h.deps);
      await memory.registry.record(STORE_HASH, DESIRED, clock.now - 1, { outcome: 'converged' });
    }
    h.resetCalls();
    const { leases, held } = memoryLeases();
    const run = () =>
      reconcileStore(
        STORE_HASH,
        {
          ...settings,
          deadline: options.deadline ?? Date.now() + 20_000,
          leaseUntil: Date.now() + 25_000,
        },
        {
          registry: memory.registry,
          leases,
          provision: { ...h.deps, ...(options.listSources && { listSources: options.listSources }) },
          clock: { now: () => clock.now },
          logger: { warn: () => undefined },
        },
      );
    return { ...memory, run, held, clock };
  };

  it('changes nothing for a store that has not drifted, and records that it converged', async () => {
    // Prepare
    const { run, stores } = await registered();

    // Act
    const report = await run();

    // Assess
    expect(report).toEqual({ storeHash: STORE_HASH, outcome: 'converged' });
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
    expect(stores.get(STORE_HASH)?.lastRun?.outcome).toBe('converged');
    expect(stores.get(STORE_HASH)?.desired).toEqual(DESIRED);
  });

  it('reactivates the webhooks BigCommerce deactivated, and only those', async () => {
    // Prepare
    const { run } = await registered();
    const deactivated = h.sandbox.state.webhooks.filter((hook) => hook.scope !== 'store/order/created');
    for (const hook of deactivated) hook.isActive = false;

    // Act
    const report = await run();

    // Assess
    expect(report.outcome).toBe('repaired');
    const repaired = report.outcome === 'repaired' ? report.repaired : [];
    expect(repaired.map((entry) => entry.resource === 'webhook' && [entry.scope, entry.action])).toEqual(
      deactivated.map((hook) => [hook.scope, 'updated']),
    );
    expect(h.sandbox.state.webhooks.every((hook) => hook.isActive)).toBe(true);
  });

  it('recreates a rule someone deleted, with its target', async () => {
    // Prepare
    const { run, stores } = await registered();
    const client = h.eventBridge.client;
    await client.send(
      new RemoveTargetsCommand({
        Rule: settings.ruleName,
        EventBusName: FULL_SOURCE_NAME,
        Ids: [settings.targetId],
      }),
    );
    await client.send(new DeleteRuleCommand({ Name: settings.ruleName, EventBusName: FULL_SOURCE_NAME }));

    // Act
    const report = await run();

    // Assess
    expect(report.outcome).toBe('repaired');
    const repaired = report.outcome === 'repaired' ? report.repaired : [];
    expect(repaired.map((entry) => `${entry.resource} ${entry.action}`)).toEqual([
      'rule created',
      'target created',
    ]);
    expect(h.eventBridge.targetsOf(FULL_SOURCE_NAME, settings.ruleName)).toHaveLength(1);
    expect(stores.get(STORE_HASH)?.lastRun?.outcome).toBe('converged');
  });

  it('reports a store whose token is gone, records it as permanent, and skips it on the next run', async () => {
    // Prepare
    const { run, stores } = await registered();
    h.sandbox.faults.add({ status: 401, times: 100 });

    // Act
    const first = await run();
    h.resetCalls();
    const second = await run();

    // Assess
    // The token is read lazily: BigCommerce refuses it at the first call, the schema's introspection.
    expect(first).toMatchObject({
      outcome: 'failed',
      step: 'preflight',
      type: 'AccessRefusedError',
      permanent: true,
    });
    expect(stores.get(STORE_HASH)?.lastRun).toMatchObject({ outcome: 'failed', permanent: true });
    expect(second.outcome).toBe('skipped');
    expect(h.sandbox.calls).toEqual([]);
    expect(h.eventBridge.calls()).toEqual([]);
  });

  it("tears down an uninstalled store's AWS side without BigCommerce, and unregisters it", async () => {
    // Prepare: BigCommerce deleted the webhooks and revoked the token when the app was uninstalled
    const { run, stores, markUninstalled } = await registered();
    h.sandbox.state.webhooks.length = 0;
    h.sandbox.faults.add({ status: 401, times: 100 });
    markUninstalled(STORE_HASH);

    // Act
    const report = await run();

    // Assess
    expect(report.outcome).toBe('uninstalled');
    const removed = report.outcome === 'uninstalled' ? report.removed : [];
    expect(removed.map((entry) => `${entry.resource} ${entry.action}`)).toEqual([
      'target deleted',
      'rule deleted',
      'bus deleted',
    ]);
    expect(h.eventBridge.resources()).toMatchObject({ buses: 0, rules: 0, targets: 0 });
    expect(h.bigCommerceMutations()).toEqual([]);
    expect(stores.has(STORE_HASH)).toBe(false);
  });

  it('tears down a store marked uninstalled whose token still works but lists none of its webhooks', async () => {
    // Prepare: BigCommerce deleted the app's webhooks; the token has not been revoked (yet)
    const { run, stores, markUninstalled } = await registered();
    h.sandbox.state.webhooks.length = 0;
    markUninstalled(STORE_HASH);

    // Act
    const report = await run();

    // Assess
    expect(report.outcome).toBe('uninstalled');
    expect(h.eventBridge.resources()).toMatchObject({ buses: 0, rules: 0, targets: 0 });
    expect(h.bigCommerceMutations()).toEqual([]);
    expect(stores.has(STORE_HASH)).toBe(false);
  });

  it('tears nothing down for a store marked uninstalled whose token still lists its webhooks', async () => {
    // Prepare: a stale mark (a reinstall POST whose registry write failed); the app is still installed
    const { run, stores, markUninstalled } = await registered();
    markUninstalled(STORE_HASH);

    // Act
    const report = await run();

    // Assess
    expect(report).toMatchObject({ outcome: 'drifted', message: expect.stringContaining('still installed') });
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.eventBridge.resources()).toMatchObject({ buses: 1, rules: 1, targets: 1 });
    expect(h.bigCommerceMutations()).toEqual([]);
    expect(stores.get(STORE_HASH)?.lastRun).toMatchObject({
      outcome: 'drifted',
      message: expect.stringContaining('POST /provision'),
    });
    expect(stores.get(STORE_HASH)?.uninstalledAt).toBeDefined();
  });

  it('creates nothing for a store that is not registered', async () => {
    // Prepare
    const { run } = await registered({ provisioned: false });

    // Act
    const report = await run();

    // Assess
    expect(report).toEqual({ storeHash: STORE_HASH, outcome: 'skipped', reason: 'not registered' });
    expect(h.eventBridge.calls()).toEqual([]);
    expect(h.sandbox.calls).toEqual([]);
  });

  it('skips a store another run holds, and says so', async () => {
    // Prepare
    const { run, held } = await registered();
    held.set(STORE_HASH, { owner: Symbol('POST'), expiresAt: Date.now() + 60_000 });

    // Act
    const report = await run();

    // Assess
    expect(report).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('in progress') });
    expect(h.eventBridge.calls()).toEqual([]);
  });

  it('stops a store at the deadline as interrupted, records no failure, and keeps its lease', async () => {
    // Prepare: the invocation's deadline has passed when the store's run starts
    const { run, stores, held } = await registered({ deadline: Date.now() - 1 });

    // Act
    const report = await run();

    // Assess
    expect(report).toMatchObject({ storeHash: STORE_HASH, outcome: 'interrupted' });
    expect(stores.get(STORE_HASH)?.lastRun?.outcome).toBe('converged');
    // The step it stopped may still be running: the lease expires with the invocation instead.
    expect(held.has(STORE_HASH)).toBe(true);
  });

  it('records a store the deadline cut short twice in a row as failed, not permanent, so the cursor moves past it', async () => {
    // Prepare: every run's deadline has passed when the store's turn comes
    const { run, stores, held, clock } = await registered({ deadline: Date.now() - 1 });

    // Act: three daily runs, each lease expiring with its invocation
    const first = await run();
    held.delete(STORE_HASH);
    clock.now += 86_400_000;
    const second = await run();
    const afterSecond = stores.get(STORE_HASH)?.lastRun;
    held.delete(STORE_HASH);
    clock.now += 86_400_000;
    const third = await run();

    // Assess
    expect(first.outcome).toBe('interrupted');
    expect(second).toMatchObject({ outcome: 'failed', type: 'OutOfTimeError' });
    expect(second).not.toHaveProperty('permanent');
    expect(afterSecond).toMatchObject({ outcome: 'failed', type: 'OutOfTimeError' });
    expect(afterSecond).not.toHaveProperty('permanent');
    // The failure resets the count: the store is tried again, first as interrupted.
    expect(third.outcome).toBe('interrupted');
  });

  it("finds the store's source in the run's shared listing, listing nothing itself", async () => {
    // Prepare: the listing made once for the whole run, before this store's turn
    const listing = sharedListing(h.eventBridge.client);
    const { run } = await registered({ listSources: listing });
    await listing();
    h.resetCalls();

    // Act
    const report = await run();

    // Assess
    expect(report.outcome).toBe('converged');
    expect(h.eventBridge.calls()).not.toContain('ListEventSources');
  });

  it('looks a source up live when the shared listing predates it', async () => {
    // Prepare: a listing made before the store's source existed
    const { run } = await registered({ listSources: async () => [] });

    // Act
    const report = await run();

    // Assess
    expect(report.outcome).toBe('converged');
    expect(h.eventBridge.calls().filter((name) => name === 'ListEventSources')).toHaveLength(1);
    expect(h.sandbox.state.eventSources).toHaveLength(1);
  });

  it('tears down an uninstalled store whose token was refused after the uninstall but before the mark was written', async () => {
    // Prepare: the uninstall at u revoked the token; a scheduled run at r > u failed on it for good; then
    // the consumer wrote the mark, with the event's time u
    const { run, stores, markUninstalled, clock } = await registered();
    const memory = stores.get(STORE_HASH);
    if (!memory) throw new Error('not registered');
    stores.set(STORE_HASH, {
      ...memory,
      lastRun: {
        startedAt: clock.now - 5,
        endedAt: clock.now - 4,
        outcome: 'failed',
        type: 'AccessRefusedError',
        message: 'refused',
        permanent: true,
      },
    });
    markUninstalled(STORE_HASH, clock.now - 10);
    h.sandbox.state.webhooks.length = 0;
    h.sandbox.faults.add({ status: 401, times: 100 });

    // Act
    const report = await run();

    // Assess
    expect(report.outcome).toBe('uninstalled');
    expect(stores.has(STORE_HASH)).toBe(false);
  });

  it("records an uninstalled store's teardown that failed for good as the teardown's, and skips it next run", async () => {
    // Prepare: the app is gone (token refused, webhooks deleted); the bus is tagged for another store
    const { run, stores, markUninstalled } = await registered();
    h.sandbox.state.webhooks.length = 0;
    h.sandbox.faults.add({ status: 401, times: 100 });
    await h.eventBridge.tag(h.eventBridge.busArn(FULL_SOURCE_NAME) ?? '', { [STORE_TAG]: 'otherstore1' });
    markUninstalled(STORE_HASH);

    // Act
    const first = await run();
    h.resetCalls();
    const second = await run();

    // Assess
    expect(first).toMatchObject({ outcome: 'failed', type: 'NotOwnedError', permanent: true });
    expect(stores.get(STORE_HASH)?.lastRun).toMatchObject({ permanent: true, kind: 'teardown' });
    expect(second).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('teardown') });
    expect(h.eventBridge.calls()).toEqual([]);
    expect(h.eventBridge.resources()).toMatchObject({ buses: 1 });
  });

  it('skips an uninstalled store whose teardown failed for good after the mark', async () => {
    // Prepare
    const { run, stores, markUninstalled, clock } = await registered();
    markUninstalled(STORE_HASH, clock.now - 100);
    const memory = stores.get(STORE_HASH);
    if (!memory) throw new Error('not registered');
    stores.set(STORE_HASH, {
      ...memory,
      lastRun: {
        startedAt: clock.now - 50,
        endedAt: clock.now - 40,
        outcome: 'failed',
        step: 'ownership',
        type: 'NotOwnedError',
        message: 'the bus belongs to store b3n8w2r6t0',
        permanent: true,
        kind: 'teardown',
      },
    });

    // Act
    const report = await run();

    // Assess
    expect(report).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('failed permanently'),
    });
    expect(h.eventBridge.calls()).toEqual([]);
    expect(stores.has(STORE_HASH)).toBe(true);
  });
});
