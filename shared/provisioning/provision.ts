import { reconcileBus } from './bus.js';
import { runStep } from './errors.js';
import { reconcileRule } from './rule.js';
import { reconcileSource } from './source.js';
import { reconcileTarget } from './target.js';
import type { Entry, ProvisionDeps, ProvisionSettings, Step } from './types.js';
import { reconcileWebhooks } from './webhooks.js';

export interface ProvisionRequest {
  storeHash: string;
  /** Already validated and collapsed (see `collapseScopes`). */
  scopes: string[];
  eventSourceName: string;
  dryRun: boolean;
  prune: boolean;
  /** For status: report a source BigCommerce deleted instead of failing on it. */
  reportDeleted?: boolean;
}

export interface ProvisionResult {
  storeHash: string;
  dryRun: boolean;
  /** True when the chain is in the wanted state: after a run that applied, or a plan with nothing to do. */
  converged: boolean;
  entries: Entry[];
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
 * Brings one store's chain to the wanted state (source -> bus -> rule -> target -> webhooks), each step
 * reading first and changing only what differs; with `dryRun` it only reads and returns the plan. A
 * failure is a `ProvisionError` naming the step, with the entries done so far; running again finishes
 * the job without duplicating anything.
 */
export const provision = async (
  request: ProvisionRequest,
  settings: ProvisionSettings,
  deps: ProvisionDeps,
): Promise<ProvisionResult> => {
  const { storeHash, dryRun } = request;
  const done: Entry[] = [];
  const run = runOf(done, deps, storeHash, settings.deadline);
  const { eventBridge } = deps;

  const graphql = await run.step('credentials', () => deps.graphqlFor(storeHash));
  const { entry, source } = await run.step('source', () =>
    reconcileSource(
      {
        eventSourceName: request.eventSourceName,
        dryRun,
        settings,
        reportDeleted: request.reportDeleted ?? false,
      },
      { eventBridge, graphql, ...(deps.sleep && { sleep: deps.sleep }) },
    ),
  );
  run.record('source')(entry);

  const bus = await run.apply('bus', () => reconcileBus({ sourceName: source?.name, dryRun }, eventBridge));
  const rule = await run.apply('rule', () =>
    reconcileRule(
      { name: settings.ruleName, busName: source?.name, busExists: EXISTS.has(bus.action), dryRun },
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
      { destination: source?.arn, scopes: request.scopes, prune: request.prune, dryRun },
      graphql,
      run.record('webhooks'),
    ),
  );

  const converged = !dryRun || done.every((item) => item.action === 'unchanged');
  return { storeHash, dryRun, converged, entries: done };
};
