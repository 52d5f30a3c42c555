import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { systemClock } from '../../shared/clock.js';
import { keyed, logger } from '../../shared/logger.js';
import { reconcilerClients } from '../../shared/provisioning/clients.js';
import { loadReconcileConfig } from './config.js';
import { createReconcileRun } from './run.js';

const config = loadReconcileConfig();
const log = keyed(logger);
const { deps, settingsOf, leases, registry } = reconcilerClients(config, log);
// Namespace and service from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME (serverless.yml); the
// stage as a dimension, so two stages in one account do not add up.
const metrics = new Metrics({ defaultDimensions: { stage: config.STAGE } });

/**
 * EventBridge schedule -> reconcile: every registered store brought back to its desired state (the
 * reconciler provision runs), stores marked uninstalled torn down. Wiring only; the work is in
 * shared/provisioning/reconcile-all.ts and reconcile-store.ts.
 */
export const handler = middy(
  createReconcileRun({
    registry,
    leases,
    provision: deps,
    settingsOf,
    concurrency: config.RECONCILE_CONCURRENCY,
    storeBudgetMs: config.RECONCILE_STORE_BUDGET_MS,
    metrics,
    clock: systemClock,
    logger: log,
  }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
