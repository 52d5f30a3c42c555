import { describe, expect, it } from 'vitest';
import { createReconcileRun } from '../../../functions/reconcile/run.js';
import type { ProvisionDeps } from '../../../shared/provisioning/types.js';
import { memoryLeases } from '../../helpers/memory-leases.js';
import { memoryRegistry } from '../../helpers/memory-registry.js';
import { settings } from '../../helpers/provision-harness.js';

/** The reconciler's clients, never to be called here: each test's stores are decided before any call. */
const never = (what: string) => () => {
  throw new Error(`the reconciler was called (${what})`);
};
const unreachable: ProvisionDeps = {
  eventBridge: new Proxy({} as ProvisionDeps['eventBridge'], {
    get: (_target, name) => never(String(name))(),
  }),
  graphqlFor: async () => never('graphqlFor')(),
  logger: {
    debug: never('log'),
    info: never('log'),
    warn: never('log'),
    error: never('log'),
    child: never('log'),
  },
};

const setup = () => {
  const clock = { now: 1_000_000 };
  const memory = memoryRegistry(() => clock.now);
  const metrics: [string, number][] = [];
  const run = createReconcileRun({
    registry: memory.registry,
    leases: memoryLeases(() => clock.now).leases,
    provision: unreachable,
    settingsOf: (deadline) => ({ ...settings, deadline }),
    concurrency: 2,
    storeBudgetMs: 30_000,
    metrics: { addMetric: (name, _unit, value) => void metrics.push([name, value]) },
    clock: { now: () => clock.now },
    logger: { info: () => undefined, warn: () => undefined },
  });
  return { ...memory, run, metrics, clock };
};

describe('Function: reconcile', () => {
  it('publishes every count, zeros too, and skips a store whose last run failed permanently', async () => {
    // Prepare
    const { registry, run, metrics } = setup();
    await registry.record(
      'k7q2m9x4p1',
      { scopes: ['store/order/created'], eventSourceName: 'x', prune: false },
      1,
      {
        outcome: 'failed',
        step: 'preflight',
        type: 'AccessRefusedError',
        message: 'refused',
        permanent: true,
      },
    );

    // Act
    const report = await run({}, { getRemainingTimeInMillis: () => 900_000 });

    // Assess
    expect(report.stores).toEqual([
      expect.objectContaining({
        storeHash: 'k7q2m9x4p1',
        outcome: 'skipped',
        reason: expect.stringContaining('AccessRefusedError'),
      }),
    ]);
    expect(report.complete).toBe(true);
    expect(metrics).toEqual([
      ['StoresConverged', 0],
      ['StoresRepaired', 0],
      ['StoresFailed', 0],
      ['StoresUninstalled', 0],
      ['StoresSkipped', 1],
      ['StoresInterrupted', 0],
    ]);
  });

  it('starts no store when less than one store budget is left, and keeps the cursor where it was', async () => {
    // Prepare
    const { registry, run, cursor } = setup();
    await registry.record(
      'k7q2m9x4p1',
      { scopes: ['store/order/created'], eventSourceName: 'x', prune: false },
      1,
      {
        outcome: 'converged',
      },
    );
    cursor.after = 'b3n8w2r6t0';

    // Act: 30 s left, less the closing margin, is under the 30 s budget of one store
    const report = await run({}, { getRemainingTimeInMillis: () => 30_000 });

    // Assess
    expect(report.stores).toEqual([]);
    expect(report.complete).toBe(false);
    expect(cursor.after).toBe('b3n8w2r6t0');
  });
});
