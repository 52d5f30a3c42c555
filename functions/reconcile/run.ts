import type { Context } from 'aws-lambda';
import type { Clock } from '../../shared/clock.js';
import type { LogSink } from '../../shared/logger.js';
import type { StoreLeases } from '../../shared/provisioning/lease.js';
import { type ReconcileReport, reconcileAll } from '../../shared/provisioning/reconcile-all.js';
import { reconcileStore } from '../../shared/provisioning/reconcile-store.js';
import type { StoreRegistry } from '../../shared/provisioning/registry.js';
import { sharedDeliveryListing, sharedListing } from '../../shared/provisioning/source-listing.js';
import type { ProvisionDeps, ProvisionSettings } from '../../shared/provisioning/types.js';
import { type CountSink, publishCounts } from './metrics.js';

/** Everything a scheduled run needs, built once at init. */
export interface ReconcileFunctionDeps {
  registry: StoreRegistry;
  leases: StoreLeases;
  provision: ProvisionDeps;
  /** Provision's settings for a run that must stop at `deadline` (epoch ms). */
  settingsOf: (deadline: number) => ProvisionSettings;
  concurrency: number;
  /** Time kept for one store's run: no store starts later than this before the runs' deadline. */
  storeBudgetMs: number;
  metrics: CountSink;
  clock: Pick<Clock, 'now'>;
  logger: Pick<LogSink, 'info' | 'warn'>;
}

/** Time kept at the end of the invocation to save the cursor and flush the metrics. */
export const CLOSING_MARGIN_MS = 5_000;

/**
 * The scheduled reconcile as a plain function of its invocation: the runs stop `CLOSING_MARGIN_MS` before
 * the invocation's end, no store starts later than one store's budget before that, and each store's lease
 * lasts until the invocation ends. The report is the function's result (`npm run reconcile` prints it;
 * the schedule ignores it).
 */
export const createReconcileRun =
  (deps: ReconcileFunctionDeps) =>
  async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<ReconcileReport> => {
    const end = deps.clock.now() + context.getRemainingTimeInMillis();
    const deadline = end - CLOSING_MARGIN_MS;
    const settings = { ...deps.settingsOf(deadline), deadline, leaseUntil: end };
    // One listing of the partner sources, and of the log deliveries, for the whole run, not one per store
    // (see ProvisionDeps); each is made on the first store that needs it.
    const { logs } = deps.provision;
    const provision = {
      ...deps.provision,
      listSources: sharedListing(deps.provision.eventBridge),
      ...(logs && { listDeliveries: sharedDeliveryListing(logs) }),
    };
    const report = await reconcileAll(
      { concurrency: deps.concurrency, startBefore: deadline - deps.storeBudgetMs },
      {
        registry: deps.registry,
        clock: deps.clock,
        logger: deps.logger,
        runStore: (storeHash) =>
          reconcileStore(storeHash, settings, {
            registry: deps.registry,
            leases: deps.leases,
            provision,
            clock: deps.clock,
            logger: deps.logger,
          }),
      },
    );
    publishCounts(deps.metrics, report);
    return report;
  };
