import type { ReconcileReport } from './reconcile-all.js';
import type { StoreReport } from './reconcile-store.js';
import type { Entry } from './types.js';

const entryLine = (entry: Entry) =>
  `${entry.resource}${entry.resource === 'webhook' ? ` ${entry.scope}` : ''} ${entry.action}`;

/** One line per store: what the run repaired (the reconciler's entries that changed), or why not. */
export const storeLine = (store: StoreReport): string => {
  switch (store.outcome) {
    case 'converged':
      return `${store.storeHash}  converged: nothing to repair`;
    case 'repaired':
      return `${store.storeHash}  repaired: ${store.repaired.map(entryLine).join(', ')}`;
    case 'drifted':
      return `${store.storeHash}  DRIFTED: ${store.message}`;
    case 'failed':
      return `${store.storeHash}  FAILED${store.step ? ` at ${store.step}` : ''}: ${store.type}: ${store.message}${store.permanent ? ' (permanent: skipped until POST /provision records a new run)' : ''}`;
    case 'uninstalled':
      return `${store.storeHash}  uninstalled: torn down (${store.removed.map(entryLine).join(', ') || 'nothing was left'}) and unregistered`;
    case 'skipped':
      return `${store.storeHash}  skipped: ${store.reason}`;
    case 'interrupted':
      return `${store.storeHash}  INTERRUPTED by the deadline: the next run starts with it`;
  }
};

/**
 * True when every store the run saw converged (nothing to do, repaired, or an uninstall torn down) and
 * the run went through the whole registry; a store unregistered since it was listed counts as done.
 */
export const everyStoreConverged = (report: Pick<ReconcileReport, 'complete' | 'stores'>): boolean =>
  report.complete &&
  report.stores.every(
    (store) =>
      ['converged', 'repaired', 'uninstalled'].includes(store.outcome) ||
      (store.outcome === 'skipped' && store.reason === 'not registered'),
  );

/** The run as text: a line per store, then the totals, and where the next run resumes if it stopped short. */
export const formatReport = (report: ReconcileReport): string => {
  const { counts } = report;
  const totals = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`)
    .join(', ');
  return [
    ...report.stores.map(storeLine),
    `${report.stores.length} store(s)${totals ? `: ${totals}` : ''}${report.resumedAfter ? ` (resumed after ${report.resumedAfter})` : ''}`,
    ...(report.complete
      ? []
      : [`stopped short: the next run resumes after ${report.resumeAfter ?? 'the start'}`]),
  ].join('\n');
};
