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

/** Records an entry and logs it with the store and step keys. */
export const recorder = (done: Entry[], deps: Pick<ProvisionDeps, 'logger'>, storeHash: string) => {
  return (step: Step) => (entry: Entry) => {
    done.push(entry);
    deps.logger.child({ storeHash, step }).info(`${entry.resource} ${entry.action}`, { entry });
  };
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
  const record = recorder(done, deps, storeHash);
  const { eventBridge } = deps;

  const graphql = await runStep('credentials', done, () => deps.graphqlFor(storeHash), settings.deadline);
  const { entry, source } = await runStep(
    'source',
    done,
    () =>
      reconcileSource(
        {
          eventSourceName: request.eventSourceName,
          dryRun,
          settings,
          reportDeleted: request.reportDeleted ?? false,
        },
        { eventBridge, graphql, ...(deps.sleep && { sleep: deps.sleep }) },
      ),
    settings.deadline,
  );
  record('source')(entry);

  const bus = await runStep(
    'bus',
    done,
    () => reconcileBus({ sourceName: source?.name, dryRun }, eventBridge),
    settings.deadline,
  );
  record('bus')(bus);

  const rule = await runStep(
    'rule',
    done,
    () =>
      reconcileRule(
        { name: settings.ruleName, busName: source?.name, busExists: EXISTS.has(bus.action), dryRun },
        eventBridge,
      ),
    settings.deadline,
  );
  record('rule')(rule);

  const target = await runStep(
    'target',
    done,
    () =>
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
    settings.deadline,
  );
  record('target')(target);

  await runStep(
    'webhooks',
    done,
    () =>
      reconcileWebhooks(
        { destination: source?.arn, scopes: request.scopes, prune: request.prune, dryRun },
        graphql,
        record('webhooks'),
      ),
    settings.deadline,
  );

  const converged = !dryRun || done.every((item) => item.action === 'unchanged');
  return { storeHash, dryRun, converged, entries: done };
};
