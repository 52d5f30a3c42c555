import type { StoreApi } from '../bigcommerce/graphql/client.js';
import { DOCUMENTS_FOR } from '../bigcommerce/graphql/documents.js';
import { type Preflight, preflight } from '../bigcommerce/graphql/preflight.js';
import { messageOf } from '../errors.js';
import type { KeyedLogger, LogSink } from '../logger.js';
import { reconcileBus } from './bus.js';
import { loggingNamesOf, reconcileBusLogging } from './bus-logging.js';
import { OutOfTimeError, ProvisionError, runStep } from './errors.js';
import { httpsDestinationOf, provisionHttps } from './https.js';
import {
  assertOwnName,
  checkOwnership,
  type Owner,
  type Ownership,
  ownerTags,
  unprovenError,
} from './ownership.js';
import { reconcileRule } from './rule.js';
import { type FoundSource, reconcileSource } from './source.js';
import { reconcileTarget } from './target.js';
import type { Entry, LogLevel, ProvisionDeps, ProvisionSettings, Step, Transport } from './types.js';
import { reconcileWebhooks, webhooksTo } from './webhooks.js';

export interface ProvisionRequest {
  storeHash: string;
  /** Already validated and collapsed (see `collapseScopes`). */
  scopes: string[];
  eventSourceName: string;
  dryRun: boolean;
  prune: boolean;
  /** How the store's events arrive (default eventbridge); a run for one retires the other's webhooks. */
  transport?: Transport;
  /**
   * EventBridge logging of the store's partner bus (see bus-logging.ts); `off` removes it. Absent (callers
   * and registry items from before logging existed): the logging step does not run.
   */
  logging?: LogLevel;
  /** For status: report a source BigCommerce deleted instead of failing on it. */
  reportDeleted?: boolean;
}

export interface ProvisionResult {
  storeHash: string;
  dryRun: boolean;
  /**
   * True when the chain is in the wanted state: a plan with nothing to do, or, after a run that applied, a
   * read of every resource afterwards that found nothing left to do. Never true while a teardown (of its
   * own, or of an HTTPS store's old chain) left a part it could not prove the store's.
   */
  converged: boolean;
  entries: Entry[];
  /**
   * When a run that was not a dry run is not converged: what the read afterwards still found (or why it
   * could not read), else what a teardown left in place.
   */
  drift?: Entry[] | string;
  /** Whether the documents sent were checked against the store's own schema (see preflight.ts). */
  preflight: Preflight['preflight'];
  /** How the documents were adapted to the store's schema, where it departs from the documented names. */
  adaptations?: string[];
}

const EXISTS = new Set(['unchanged', 'created', 'updated', 'would-update']);

/**
 * The bookkeeping of one run: `step` runs a step (a failure or the deadline becomes a `ProvisionError`
 * with the entries so far), `record` keeps and logs an entry, `apply` does both for a step that yields
 * one entry.
 */
export const runOf = (
  done: Entry[],
  deps: Pick<ProvisionDeps, 'logger'>,
  storeHash: string,
  deadline: number | undefined,
) => {
  const record = (step: Step) => (entry: Entry) => {
    done.push(entry);
    deps.logger.child({ storeHash, step }).info(`${entry.resource} ${entry.action}`, { entry });
  };
  const step = <T>(name: Step, work: () => Promise<T>) => runStep(name, done, work, deadline);
  const apply = async <E extends Entry>(name: Step, work: () => Promise<E>) => {
    const entry = await step(name, work);
    record(name)(entry);
    return entry;
  };
  return { record, step, apply };
};

/**
 * The first two steps of every run: the store's access token (`credentials`), then the store's schema
 * (`preflight`), before any document that could change something is sent.
 */
export const storeApiOf = async (
  run: ReturnType<typeof runOf>,
  deps: Pick<ProvisionDeps, 'graphqlFor' | 'preflightCache'>,
  storeHash: string,
  /** The documents the run may send (default all): a run is stopped only by those. */
  documents?: readonly string[],
) => {
  const graphql = await run.step('credentials', () => deps.graphqlFor(storeHash));
  const checked = await run.step('preflight', () =>
    preflight(graphql, {
      key: storeHash,
      ...(deps.preflightCache && { cache: deps.preflightCache }),
      ...(documents && { documents }),
    }),
  );
  const { api, adaptations } = checked;
  return { api, preflight: checked.preflight, ...(adaptations.length > 0 && { adaptations }) };
};

/** The store and deployment a run works for. */
export const ownerOf = (storeHash: string, settings: Pick<ProvisionSettings, 'managedBy'>): Owner => ({
  storeHash,
  managedBy: settings.managedBy,
});

/**
 * The ownership step: the source's bus and rule are this store's, or the run stops before any change.
 * A store's own webhooks pointing at the source prove an untagged chain to be its own.
 */
export const ownershipStep = (
  owner: Owner,
  input: { eventSourceName: string; source: FoundSource | undefined; ruleName: string },
  deps: Pick<ProvisionDeps, 'eventBridge'> & { graphql: StoreApi },
): Promise<Ownership> =>
  checkOwnership(
    { owner, ...input },
    {
      eventBridge: deps.eventBridge,
      storeHasWebhooksTo: async (arn) => (await webhooksTo(deps.graphql, (to) => to === arn)).length > 0,
    },
  );

/** The same logger with its info lines at debug: a run's read-back would repeat every line the run logged. */
const atDebug = (base: KeyedLogger): KeyedLogger => {
  const quiet = (sink: LogSink): LogSink => ({
    debug: (message, ...extra) => sink.debug(message, ...extra),
    info: (message, ...extra) => sink.debug(message, ...extra),
    warn: (message, ...extra) => sink.warn(message, ...extra),
    error: (message, ...extra) => sink.error(message, ...extra),
  });
  return { ...quiet(base), child: (keys) => quiet(base.child(keys)) };
};

/**
 * Reads the chain again after a run that applied (`plan` is the same request as a dry run): converged only
 * when nothing is left to do. A failure to read is reported, not thrown: what the run did stays done and is
 * in the response.
 */
export const verifyConverged = async (
  deps: ProvisionDeps,
  plan: (quiet: ProvisionDeps) => Promise<{ entries: Entry[] }>,
  /** What the run did: a read the deadline stops is thrown as the run's interruption, with these. */
  done: Entry[],
): Promise<Pick<ProvisionResult, 'converged' | 'drift'>> => {
  try {
    const after = await plan({ ...deps, logger: atDebug(deps.logger) });
    const left = after.entries.filter((entry) => entry.action !== 'unchanged');
    return left.length === 0 ? { converged: true } : { converged: false, drift: left };
  } catch (error) {
    // The deadline is not drift: the run is interrupted (resumable), as if a step of its own had stopped.
    if (error instanceof ProvisionError && error.cause instanceof OutOfTimeError)
      throw new ProvisionError(error.step, error.cause, [...done]);
    if (error instanceof OutOfTimeError) throw error;
    return { converged: false, drift: `the read after the run failed: ${messageOf(error)}` };
  }
};

/**
 * How every run ends (provision on either transport, teardown). A dry run, or a run that changed nothing,
 * is converged when every entry is unchanged: its reads were the verification (a no-op scheduled reconcile
 * of a store costs one read of its chain, not two). A run that applied reads the chain again (`plan`: the
 * same request as a dry run, {@link verifyConverged}). `left`: what the run had to leave of what it was to
 * remove (teardown's unowned parts, or what such a teardown left of a store switched to HTTPS; a text when
 * it could not tell): the run is not converged, and unless the read afterwards found other drift, this is
 * its drift (a dry run has none).
 */
export const endRun = async (
  run: Omit<ProvisionResult, 'converged' | 'drift'>,
  deps: ProvisionDeps,
  plan: (quiet: ProvisionDeps) => Promise<{ entries: Entry[] }>,
  left: Entry[] | string = [],
): Promise<ProvisionResult> => {
  const { storeHash, dryRun, entries, ...checked } = run;
  const unchanged = entries.every((item) => item.action === 'unchanged');
  const clear = left.length === 0;
  const leftDrift = dryRun || clear ? {} : { drift: left };
  if (dryRun || unchanged) {
    return { storeHash, dryRun, converged: clear && unchanged, ...leftDrift, ...checked, entries };
  }
  const verified = await verifyConverged(deps, plan, entries);
  return {
    storeHash,
    dryRun,
    ...leftDrift,
    ...verified,
    converged: verified.converged && clear,
    ...checked,
    entries,
  };
};

/**
 * Brings one store's chain to the wanted state (source -> bus -> rule -> target -> webhooks), each step
 * reading first and changing only what differs; with `dryRun` it only reads and returns the plan. A
 * failure is a `ProvisionError` naming the step, with the entries done so far; running again finishes
 * the job without duplicating anything. A store on the HTTPS transport is run by `provisionHttps`; one
 * switching from it keeps its HTTPS webhooks until every wanted scope has an active EventBridge webhook.
 */
export const provision = (
  request: ProvisionRequest,
  settings: ProvisionSettings,
  deps: ProvisionDeps,
): Promise<ProvisionResult> =>
  request.transport === 'https'
    ? provisionHttps(request, settings, deps)
    : provisionEventBridge(request, settings, deps);

const provisionEventBridge = async (
  request: ProvisionRequest,
  settings: ProvisionSettings,
  deps: ProvisionDeps,
): Promise<ProvisionResult> => {
  const { storeHash, dryRun } = request;
  const done: Entry[] = [];
  const run = runOf(done, deps, storeHash, settings.deadline);
  const { eventBridge } = deps;
  const owner = ownerOf(storeHash, settings);
  const tags = ownerTags(owner);
  const ingress = httpsDestinationOf(settings, storeHash);

  // Status reads only; a plan or a run may send every document.
  const { api: graphql, ...checked } = await storeApiOf(
    run,
    deps,
    storeHash,
    request.reportDeleted ? DOCUMENTS_FOR.status : DOCUMENTS_FOR.eventbridge,
  );
  await run.step('ownership', async () => assertOwnName(owner, request.eventSourceName));
  const { entry, source } = await run.step('source', () =>
    reconcileSource(
      {
        eventSourceName: request.eventSourceName,
        dryRun,
        settings,
        reportDeleted: request.reportDeleted ?? false,
      },
      {
        eventBridge,
        graphql,
        ...(deps.sleep && { sleep: deps.sleep }),
        ...(deps.listSources && { listSources: deps.listSources }),
      },
    ),
  );
  run.record('source')(entry);
  const ownership = await run.step('ownership', async () => {
    const found = await ownershipStep(
      owner,
      { eventSourceName: request.eventSourceName, source, ruleName: settings.ruleName },
      { eventBridge, graphql },
    );
    if (found.bus === 'unproven' || found.rule === 'unproven') {
      throw unprovenError(owner, source?.name ?? request.eventSourceName);
    }
    return found;
  });

  const bus = await run.apply('bus', () =>
    reconcileBus({ sourceName: source?.name, dryRun, claim: ownership.bus, tags }, eventBridge),
  );
  if (request.logging) {
    const level = request.logging;
    const entries = await run.step('logging', () =>
      reconcileBusLogging(
        { busName: source?.name, level, dryRun, names: () => loggingNamesOf(storeHash, settings) },
        {
          eventBridge,
          logs: deps.logs,
          ...(deps.listDeliveries && { listDeliveries: deps.listDeliveries }),
        },
      ),
    );
    entries.forEach(run.record('logging'));
  }
  const rule = await run.apply('rule', () =>
    reconcileRule(
      {
        name: settings.ruleName,
        busName: source?.name,
        busExists: EXISTS.has(bus.action),
        dryRun,
        claim: ownership.rule,
        tags,
      },
      eventBridge,
    ),
  );
  await run.apply('target', () =>
    reconcileTarget(
      {
        rule: { name: settings.ruleName, eventBusName: source?.name ?? '' },
        ruleExists: EXISTS.has(rule.action),
        targetId: settings.targetId,
        queueArn: settings.queueArn,
        deadLetterQueueArn: settings.deadLetterQueueArn,
        dryRun,
      },
      eventBridge,
    ),
  );
  await run.step('webhooks', () =>
    reconcileWebhooks(
      {
        destination: source?.arn,
        transport: 'eventbridge',
        scopes: request.scopes,
        prune: request.prune,
        dryRun,
        // A switch from HTTPS: the store's webhooks to this deployment's ingress, once these are active.
        retire: (hook) => hook.transport === 'https' && hook.destination === ingress,
      },
      graphql,
      run.record('webhooks'),
    ),
  );

  return endRun({ storeHash, dryRun, ...checked, entries: done }, deps, (quiet) =>
    provisionEventBridge({ ...request, dryRun: true }, settings, quiet),
  );
};
