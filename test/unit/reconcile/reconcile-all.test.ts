import { describe, expect, it } from 'vitest';
import { reconcileAll } from '../../../shared/provisioning/reconcile-all.js';
import type { StoreReport } from '../../../shared/provisioning/reconcile-store.js';
import { memoryRegistry } from '../../helpers/memory-registry.js';

const HASHES = Array.from({ length: 12 }, (_, i) => `store${String(i).padStart(2, '0')}`);

/** A registry of `count` stores, a clock the fake runs move, and a runStore that takes `ms` per store. */
const setup = (options: { count?: number; ms?: number; outcome?: (hash: string) => StoreReport } = {}) => {
  const clock = { now: 1_000_000 };
  const { registry, cursor } = memoryRegistry(() => clock.now);
  for (const storeHash of HASHES.slice(0, options.count ?? HASHES.length)) {
    void registry.record(
      storeHash,
      { scopes: ['store/order/created'], eventSourceName: `x-${storeHash}`, prune: false },
      0,
      { outcome: 'converged' },
    );
  }
  const runs: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const runStore = async (storeHash: string): Promise<StoreReport> => {
    runs.push(storeHash);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    // Let the other workers start before this one ends, as real I/O does.
    await new Promise((resolve) => setImmediate(resolve));
    clock.now += options.ms ?? 1_000;
    inFlight -= 1;
    return options.outcome?.(storeHash) ?? { storeHash, outcome: 'converged' };
  };
  const logger = { info: () => undefined, warn: () => undefined };
  const deps = { registry, runStore, clock: { now: () => clock.now }, logger };
  return { clock, cursor, runs, deps, maxInFlight: () => maxInFlight };
};

describe('Scheduled reconcile: every registered store, bounded, resumable', () => {
  it('runs every registered store once, at most `concurrency` at a time, across pages', async () => {
    // Prepare
    const { deps, runs, cursor, maxInFlight } = setup();

    // Act
    const report = await reconcileAll({ concurrency: 3, startBefore: Infinity, pageSize: 5 }, deps);

    // Assess
    expect([...runs].sort()).toEqual(HASHES);
    expect(maxInFlight()).toBe(3);
    expect(report.complete).toBe(true);
    expect(report.counts.converged).toBe(12);
    expect(cursor.after).toBeUndefined();
  });

  it('starts no store after the deadline and resumes with the next store on the next run', async () => {
    // Prepare: each store takes 1 s; the first run may start stores for 4.5 s
    const { deps, runs, cursor, clock } = setup({ ms: 1_000 });

    // Act
    const first = await reconcileAll({ concurrency: 1, startBefore: clock.now + 4_500, pageSize: 5 }, deps);
    const firstRuns = [...runs];
    runs.length = 0;
    const second = await reconcileAll({ concurrency: 1, startBefore: Infinity, pageSize: 5 }, deps);

    // Assess
    expect(firstRuns).toEqual(HASHES.slice(0, 5));
    expect(first.complete).toBe(false);
    expect(first.resumeAfter).toBe('store04');
    expect(second.resumedAfter).toBe('store04');
    expect(runs).toEqual(HASHES.slice(5));
    expect(second.complete).toBe(true);
    expect(cursor.after).toBeUndefined();
  });

  it('runs a store its deadline interrupted again on the next run, and not those before it', async () => {
    // Prepare
    const { deps, runs } = setup({
      count: 4,
      outcome: (storeHash) =>
        storeHash === 'store02'
          ? { storeHash, outcome: 'interrupted', repaired: [] }
          : { storeHash, outcome: 'converged' },
    });

    // Act
    const first = await reconcileAll({ concurrency: 1, startBefore: Infinity }, deps);
    runs.length = 0;
    const second = await reconcileAll({ concurrency: 1, startBefore: Infinity }, deps);

    // Assess
    expect(first.complete).toBe(false);
    expect(first.counts).toMatchObject({ converged: 3, interrupted: 1 });
    expect(first.resumeAfter).toBe('store01');
    expect(runs[0]).toBe('store02');
    expect(second.resumedAfter).toBe('store01');
  });

  it('counts each outcome and lists every store it ran, in the registry order', async () => {
    // Prepare
    const outcomes: Record<string, StoreReport['outcome']> = {
      store00: 'repaired',
      store01: 'failed',
      store02: 'skipped',
      store03: 'uninstalled',
    };
    const { deps } = setup({
      count: 4,
      outcome: (storeHash) =>
        ({
          storeHash,
          outcome: outcomes[storeHash],
          repaired: [],
          removed: [],
          reason: 'r',
          type: 'E',
          message: 'm',
        }) as StoreReport,
    });

    // Act
    const report = await reconcileAll({ concurrency: 4, startBefore: Infinity }, deps);

    // Assess
    expect(report.stores.map((store) => store.storeHash)).toEqual(HASHES.slice(0, 4));
    expect(report.counts).toEqual({
      converged: 0,
      repaired: 1,
      drifted: 0,
      failed: 1,
      uninstalled: 1,
      skipped: 1,
      interrupted: 0,
    });
  });

  it('saves the cursor reached when listing the registry fails, and throws', async () => {
    // Prepare
    const { deps, cursor } = setup({ count: 6 });
    let lists = 0;
    const list = deps.registry.list;
    deps.registry.list = async (limit, after) => {
      lists += 1;
      if (lists === 2) throw new Error('Scan failed: ThrottlingException');
      return list(limit, after);
    };

    // Act
    const run = reconcileAll({ concurrency: 2, startBefore: Infinity, pageSize: 3 }, deps);

    // Assess
    await expect(run).rejects.toThrow('ThrottlingException');
    expect(cursor.after).toBe('store02');
  });
});
