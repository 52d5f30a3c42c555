import type { Clock } from '../clock.js';
import type { LogSink } from '../logger.js';
import type { StoreReport } from './reconcile-store.js';
import type { StoreRegistry } from './registry.js';

/** How many stores of each outcome a scheduled run had. */
export type ReconcileCounts = Record<StoreReport['outcome'], number>;

/** What one scheduled reconcile did: each store it ran, in the registry's order, and the totals. */
export interface ReconcileReport {
  startedAt: number;
  endedAt: number;
  /** True when the run went through the rest of the registry; false when the deadline stopped it. */
  complete: boolean;
  /** The store the run resumed after (a run before it stopped short there). */
  resumedAfter?: string;
  /** Where the next run resumes after, when this one stopped short. */
  resumeAfter?: string;
  counts: ReconcileCounts;
  stores: StoreReport[];
}

export interface ReconcileAllOptions {
  /** Stores reconciled at once; each store's own calls are sequential, so its rate limit sees one run. */
  concurrency: number;
  /** Epoch ms: no store starts later than this (the invocation must end its runs and save its cursor). */
  startBefore: number;
  /** Stores listed per registry page (default 100). */
  pageSize?: number;
}

export interface ReconcileAllDeps {
  registry: Pick<StoreRegistry, 'list' | 'readCursor' | 'writeCursor'>;
  /** One store's run (reconcile-store.ts, bound to its settings and clients). */
  runStore: (storeHash: string) => Promise<StoreReport>;
  clock: Pick<Clock, 'now'>;
  logger: Pick<LogSink, 'info' | 'warn'>;
}

const DEFAULT_PAGE_SIZE = 100;

/** A run's counts before any store: every outcome at 0. */
export const zeroCounts = (): ReconcileCounts => ({
  converged: 0,
  repaired: 0,
  drifted: 0,
  failed: 0,
  uninstalled: 0,
  skipped: 0,
  interrupted: 0,
});

/**
 * The scheduled drift repair: runs `runStore` for every registered store, `concurrency` at a time, page by
 * page in the table's order, starting after the cursor a run cut short saved. It starts no store after
 * `startBefore`; when it stops short (that, or a store interrupted by the deadline), it saves the last
 * store up to which every store ran as the cursor, so the next run resumes with the next store, and a
 * store interrupted half way is run again. A run that reaches the end clears the cursor: the next one
 * starts from the beginning. A registry that cannot be listed throws (after saving the cursor reached).
 */
export const reconcileAll = async (
  options: ReconcileAllOptions,
  deps: ReconcileAllDeps,
): Promise<ReconcileReport> => {
  const startedAt = deps.clock.now();
  const stores: StoreReport[] = [];
  const counts = zeroCounts();
  const resumedAfter = await deps.registry.readCursor();
  let after = resumedAfter;
  let complete = false;
  const timeLeft = () => deps.clock.now() < options.startBefore;
  try {
    for (;;) {
      if (!timeLeft()) break;
      const page = await deps.registry.list(options.pageSize ?? DEFAULT_PAGE_SIZE, after);
      const hashes = page.stores.map((store) => store.storeHash);
      const reports: (StoreReport | undefined)[] = hashes.map(() => undefined);
      let nextIndex = 0;
      const worker = async () => {
        while (nextIndex < hashes.length && timeLeft()) {
          const index = nextIndex;
          nextIndex += 1;
          reports[index] = await deps.runStore(hashes[index] ?? '');
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
      // Every store up to the first one not run (or interrupted) is done; the cursor moves past them only.
      let done = 0;
      while (done < reports.length && reports[done] && reports[done]?.outcome !== 'interrupted') done += 1;
      for (const report of reports) {
        if (!report) continue;
        stores.push(report);
        counts[report.outcome] += 1;
      }
      if (done < hashes.length) {
        after = done > 0 ? hashes[done - 1] : after;
        break;
      }
      if (!page.next) {
        complete = true;
        break;
      }
      after = page.next;
    }
  } finally {
    // Saved however the run ends, so a listing that failed half way still resumes where it was.
    await deps.registry.writeCursor(complete ? undefined : after).catch((error: unknown) => {
      deps.logger.warn('could not save the reconcile cursor; the next run starts from the last saved one', {
        error: (error as Error).message,
      });
    });
  }
  const endedAt = deps.clock.now();
  deps.logger.info('reconcile run ended', {
    complete,
    counts,
    ...(after && !complete && { resumeAfter: after }),
  });
  return {
    startedAt,
    endedAt,
    complete,
    ...(resumedAfter && { resumedAfter }),
    ...(!complete && after && { resumeAfter: after }),
    counts,
    stores,
  };
};
