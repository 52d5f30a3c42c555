import { describe, expect, it } from 'vitest';
import { type ReconcileReport, zeroCounts } from '../../../shared/provisioning/reconcile-all.js';
import {
  everyStoreConverged,
  formatReport,
  storeLine,
} from '../../../shared/provisioning/reconcile-report.js';
import type { StoreReport } from '../../../shared/provisioning/reconcile-store.js';
import type { Entry } from '../../../shared/provisioning/types.js';

const webhook: Entry = { resource: 'webhook', action: 'created', scope: 'store/order/created', wanted: true };
const rule: Entry = { resource: 'rule', action: 'updated', name: 'r', eventBusName: 'b' };

const counts = (stores: StoreReport[]): ReconcileReport['counts'] => {
  const all = zeroCounts();
  for (const store of stores) all[store.outcome] += 1;
  return all;
};

const reportOf = (stores: StoreReport[], more: Partial<ReconcileReport> = {}): ReconcileReport => ({
  startedAt: 0,
  endedAt: 1,
  complete: true,
  counts: counts(stores),
  stores,
  ...more,
});

describe('Reconcile: what npm run reconcile prints', () => {
  it.each([
    [{ storeHash: 'a1', outcome: 'converged' }, 'a1  converged: nothing to repair'],
    [
      { storeHash: 'a1', outcome: 'repaired', repaired: [webhook, rule] },
      'a1  repaired: webhook store/order/created created, rule updated',
    ],
    [
      { storeHash: 'a1', outcome: 'drifted', repaired: [], message: 'the rule is still missing' },
      'a1  DRIFTED: the rule is still missing',
    ],
    [
      {
        storeHash: 'a1',
        outcome: 'failed',
        step: 'credentials',
        type: 'PermanentError',
        message: 'the token was revoked',
        permanent: true,
        repaired: [],
      },
      'a1  FAILED at credentials: PermanentError: the token was revoked (permanent: skipped until POST /provision records a new run)',
    ],
    [
      { storeHash: 'a1', outcome: 'failed', type: 'Error', message: 'boom', repaired: [] },
      'a1  FAILED: Error: boom',
    ],
    [
      { storeHash: 'a1', outcome: 'uninstalled', removed: [] },
      'a1  uninstalled: torn down (nothing was left) and unregistered',
    ],
    [{ storeHash: 'a1', outcome: 'skipped', reason: 'busy' }, 'a1  skipped: busy'],
    [
      { storeHash: 'a1', outcome: 'interrupted', repaired: [] },
      'a1  INTERRUPTED by the deadline: the next run starts with it',
    ],
  ] as [StoreReport, string][])('gives a store whose run is %j one line', (store, line) => {
    expect(storeLine(store)).toBe(line);
  });

  it('prints a line per store, the totals, and where a run stopped short resumes', () => {
    // Prepare
    const stores: StoreReport[] = [
      { storeHash: 'a1', outcome: 'converged' },
      { storeHash: 'b2', outcome: 'repaired', repaired: [webhook] },
    ];

    // Act
    const text = formatReport(reportOf(stores, { complete: false, resumedAfter: 'z9', resumeAfter: 'b2' }));

    // Assess
    expect(text.split('\n')).toEqual([
      'a1  converged: nothing to repair',
      'b2  repaired: webhook store/order/created created',
      '2 store(s): 1 converged, 1 repaired (resumed after z9)',
      'stopped short: the next run resumes after b2',
    ]);
  });

  it('counts a run converged only when it went through the whole registry and no store is left to repair', () => {
    const done: StoreReport[] = [
      { storeHash: 'a1', outcome: 'converged' },
      { storeHash: 'b2', outcome: 'uninstalled', removed: [] },
      { storeHash: 'c3', outcome: 'skipped', reason: 'not registered' },
    ];
    expect(everyStoreConverged(reportOf(done))).toBe(true);
    expect(everyStoreConverged(reportOf(done, { complete: false }))).toBe(false);
    expect(
      everyStoreConverged(reportOf([...done, { storeHash: 'd4', outcome: 'skipped', reason: 'busy' }])),
    ).toBe(false);
    expect(formatReport(reportOf([]))).toBe('0 store(s)');
  });
});
