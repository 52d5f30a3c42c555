import { listWebhooks } from '../bigcommerce/graphql/webhooks.js';
import type { Clock } from '../clock.js';
import { messageOf, PermanentError } from '../errors.js';
import type { LogSink } from '../logger.js';
import { OutOfTimeError, ProvisionError } from './errors.js';
import { httpsDestinationOf, isEventBridgeWebhookOf } from './https.js';
import { OperationInProgressError, type StoreLeases, withLease } from './lease.js';
import { provision, runOf, storeApiOf } from './provision.js';
import { type DesiredState, outcomeOfError, outcomeOfResult, type StoreRegistry } from './registry.js';
import { teardown } from './teardown.js';
import type { Entry, ProvisionDeps, ProvisionSettings } from './types.js';

/** What the scheduled reconcile did for one store. */
export type StoreReport =
  /** Nothing had drifted: every resource was as the store's desired state wants it. */
  | { storeHash: string; outcome: 'converged' }
  /** Something had drifted and the run put it back (`repaired`: the reconciler's entries that changed). */
  | { storeHash: string; outcome: 'repaired'; repaired: Entry[] }
  /** The run applied, but the read afterwards still found work (`message`: what). */
  | { storeHash: string; outcome: 'drifted'; repaired: Entry[]; message: string }
  /** The run failed at `step`; `permanent`: retrying cannot fix it, so later runs skip the store. */
  | {
      storeHash: string;
      outcome: 'failed';
      step?: string;
      type: string;
      message: string;
      permanent?: true;
      repaired: Entry[];
    }
  /** The app was uninstalled: the store's AWS side is gone and it is no longer registered. */
  | { storeHash: string; outcome: 'uninstalled'; removed: Entry[] }
  /** Not run: not registered any more, busy with another run, or failed permanently before. */
  | { storeHash: string; outcome: 'skipped'; reason: string }
  /** The invocation's deadline came first: the next run starts with this store again. */
  | { storeHash: string; outcome: 'interrupted'; repaired: Entry[] };

export interface ReconcileStoreDeps {
  registry: StoreRegistry;
  leases: StoreLeases;
  /** The reconciler's clients, as provision's (BigCommerce per store, EventBridge). */
  provision: ProvisionDeps;
  clock: Pick<Clock, 'now'>;
  logger: Pick<LogSink, 'warn'>;
}

/** Runs of a store the deadline may cut short in a row before it is recorded failed and passed over. */
const MAX_INTERRUPTIONS = 2;

const changed = (entries: Entry[]) => entries.filter((entry) => entry.action !== 'unchanged');

const outOfTime = (error: unknown) =>
  error instanceof OutOfTimeError ||
  (error instanceof ProvisionError && error.cause instanceof OutOfTimeError);

/**
 * Whether a store marked uninstalled still has the app: BigCommerce accepts its token and lists a webhook
 * to this store's source or ingress. A mark can be stale (a clock skew, or a reinstall POST whose registry
 * write failed), and the AWS-only teardown cannot be undone by the webhooks that still point at the chain.
 * A refused or missing token (the uninstall revoked it) is a permanent error: not installed. Any other
 * error is thrown, so the run fails and the next one asks again.
 */
const stillInstalled = async (
  storeHash: string,
  desired: DesiredState,
  settings: ProvisionSettings,
  deps: ProvisionDeps,
): Promise<boolean> => {
  const run = runOf([], deps, storeHash, settings.deadline);
  try {
    const { api } = await storeApiOf(run, deps, storeHash, ['listWebhooks']);
    const hooks = await run.step('webhooks', () => listWebhooks(api));
    const ingress = httpsDestinationOf(settings, storeHash);
    const toSource = isEventBridgeWebhookOf(desired.eventSourceName, settings.region);
    return hooks.some(
      (hook) =>
        toSource(hook) ||
        (ingress !== undefined && hook.transport === 'https' && hook.destination === ingress),
    );
  } catch (error) {
    const cause = error instanceof ProvisionError ? error.cause : error;
    if (cause instanceof PermanentError) return false;
    throw error;
  }
};

/**
 * Brings one registered store back to the desired state its last POST recorded, with the same reconciler
 * POST runs (provision.ts), under the store's lease so no POST or DELETE runs beside it. The desired state
 * is read again under the lease, so a POST that changed it since the listing is what counts, and a store
 * unregistered since is not touched: nothing is ever created for a store that is not registered. A store
 * marked uninstalled has its AWS side torn down without BigCommerce (which deleted the webhooks and may
 * have revoked the token) and is unregistered. How each run ended is recorded as the store's `lastRun`;
 * a permanent failure (token gone, source deleted by BigCommerce, a bus another store owns) is recorded
 * as such, and later runs skip the store until a POST records a new run.
 */
export const reconcileStore = async (
  storeHash: string,
  /** `deadline`: when a run still going stops (resumable); `leaseUntil`: when the invocation ends. */
  settings: ProvisionSettings & { deadline: number; leaseUntil: number },
  deps: ReconcileStoreDeps,
): Promise<StoreReport> => {
  const startedAt = deps.clock.now();
  const work = async (): Promise<StoreReport> => {
    const store = await deps.registry.get(storeHash);
    if (!store) return { storeHash, outcome: 'skipped', reason: 'not registered' };
    const { desired, lastRun } = store;
    const failedForGood = lastRun?.outcome === 'failed' && lastRun.permanent === true;
    // A teardown after the uninstall that failed for good (another store owns the bus) is not retried
    // either; a provisioning run's permanent failure (the token the uninstall revoked) does not stop it,
    // even one that ran after the event's time but before the consumer wrote the mark.
    if (store.uninstalledAt !== undefined && failedForGood && lastRun?.kind === 'teardown') {
      return {
        storeHash,
        outcome: 'skipped',
        reason: `the teardown after its uninstall failed permanently (${lastRun?.outcome === 'failed' ? lastRun.message : ''}); DELETE /provision/${storeHash} once fixed`,
      };
    }
    if (store.uninstalledAt !== undefined) {
      try {
        if (await stillInstalled(storeHash, desired, settings, deps.provision)) {
          const outcome = {
            outcome: 'drifted' as const,
            message: `marked uninstalled but still installed (BigCommerce accepts the token and lists its webhooks): a POST /provision of the store clears the mark`,
          };
          await deps.registry.recordRun(storeHash, startedAt, outcome);
          return { storeHash, repaired: [], ...outcome };
        }
      } catch (error) {
        return failed(error, startedAt);
      }
      const request = { storeHash, eventSourceName: desired.eventSourceName, dryRun: false, awsOnly: true };
      try {
        const result = await teardown(request, settings, deps.provision);
        if (result.converged) {
          await deps.registry.unregister(storeHash, startedAt);
          return { storeHash, outcome: 'uninstalled', removed: changed(result.entries) };
        }
        const outcome = outcomeOfResult(result);
        await deps.registry.recordRun(storeHash, startedAt, outcome);
        return {
          storeHash,
          outcome: 'drifted',
          repaired: changed(result.entries),
          message: `the teardown after the uninstall left part of the chain: ${'message' in outcome ? outcome.message : ''}`,
        };
      } catch (error) {
        return failed(error, startedAt, 'teardown');
      }
    }
    if (lastRun?.outcome === 'failed' && failedForGood) {
      return {
        storeHash,
        outcome: 'skipped',
        reason: `its last run failed permanently (${lastRun.type}: ${lastRun.message}); POST /provision again once fixed`,
      };
    }
    const request = { storeHash, ...desired, dryRun: false };
    try {
      const result = await provision(request, settings, deps.provision);
      const outcome = outcomeOfResult(result);
      await deps.registry.recordRun(storeHash, startedAt, outcome);
      const repaired = changed(result.entries);
      if (outcome.outcome === 'drifted')
        return { storeHash, outcome: 'drifted', repaired, message: outcome.message };
      return repaired.length > 0
        ? { storeHash, outcome: 'repaired', repaired }
        : { storeHash, outcome: 'converged' };
    } catch (error) {
      return failed(error, startedAt);
    }
  };

  const failed = async (error: unknown, startedAt: number, kind?: 'teardown'): Promise<StoreReport> => {
    // Stopped by the deadline: not a failure of the store (the next run resumes with it), and the step it
    // stopped may still be running, so the lease is left to expire (withLease sees the error).
    if (outOfTime(error)) throw error;
    const repaired = changed(error instanceof ProvisionError ? error.entries : []);
    const failure = outcomeOfError(error);
    const outcome = kind && failure.outcome === 'failed' ? { ...failure, kind } : failure;
    await deps.registry.recordRun(storeHash, startedAt, outcome).catch((recordError: unknown) => {
      deps.logger.warn('could not record the failed run in the store registry', {
        storeHash,
        error: messageOf(recordError),
      });
    });
    return { storeHash, repaired, ...(outcome as Extract<typeof outcome, { outcome: 'failed' }>) };
  };

  /**
   * A store the deadline cuts short is run again first next time, and holds the cursor till then: one that
   * never finishes in a run's time would keep every store after it from being reconciled. The second cut
   * in a row is recorded as a failure (retried, not permanent), so the cursor moves past it.
   */
  const interrupted = async (error: unknown): Promise<StoreReport> => {
    const repaired = changed(error instanceof ProvisionError ? error.entries : []);
    const count = await deps.registry.recordInterruption(storeHash).catch((recordError: unknown) => {
      deps.logger.warn('could not count the interrupted run in the store registry', {
        storeHash,
        error: messageOf(recordError),
      });
      return 0;
    });
    if (count < MAX_INTERRUPTIONS) return { storeHash, outcome: 'interrupted', repaired };
    const outcome = {
      outcome: 'failed' as const,
      ...(error instanceof ProvisionError && { step: error.step }),
      type: 'OutOfTimeError',
      message: `the deadline cut the run short ${count} times in a row; the next runs go past this store and retry it next time round`,
    };
    await deps.registry.recordRun(storeHash, startedAt, outcome).catch((recordError: unknown) => {
      deps.logger.warn('could not record the interrupted run in the store registry', {
        storeHash,
        error: messageOf(recordError),
      });
    });
    return { storeHash, repaired, ...outcome };
  };

  try {
    // The lease lasts as long as the invocation may: a run cut short leaves it to expire then.
    return await withLease(deps.leases, storeHash, settings.leaseUntil, work, deps.logger);
  } catch (error) {
    if (error instanceof OperationInProgressError) {
      return {
        storeHash,
        outcome: 'skipped',
        reason: 'another provisioning run of the store is in progress',
      };
    }
    if (outOfTime(error)) return interrupted(error);
    // The registry or the lease could not be read: the store was not run; say why, retry next time.
    const type = error instanceof Error ? error.name : 'Error';
    return { storeHash, outcome: 'failed', type, message: messageOf(error), repaired: [] };
  }
};
