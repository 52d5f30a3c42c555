import { storeClientsFromEnv } from '../../shared/bigcommerce/rest/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { createDedupeTableClient } from '../../shared/dedupe/table-client.js';
import { keyed, logger } from '../../shared/logger.js';
import { createConsumerMetrics } from '../../shared/metrics.js';
import { loadConsumeFunctionConfig } from './config.js';
import { handlers } from './handlers/registry.js';
import { createConsumeHandler } from './lambda.js';

const config = loadConsumeFunctionConfig();

/**
 * The consume Lambda: the registry's handlers, deduped on the DEDUPE_TABLE_NAME table, each event checked
 * against the store its EVENT_SOURCE_NAME_PREFIX-named source belongs to; `context.bigcommerce` calls
 * BIGCOMMERCE_API_URL with each store's token (read on first use); its metrics carry the STAGE (namespace
 * and service from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME).
 */
export const handler = createConsumeHandler({
  handlers,
  dedupe: createIdempotentDedupe({
    dynamo: createDedupeTableClient({ endpoint: config.AWS_ENDPOINT_URL_DYNAMODB }),
    tableName: config.DEDUPE_TABLE_NAME,
    windowSeconds: config.DEDUPE_WINDOW_SECONDS,
    // Its own lines (a late completion refused or dropped) as JSON with the invocation's keys, like the rest.
    log: keyed(logger),
  }),
  eventSourceNamePrefix: config.EVENT_SOURCE_NAME_PREFIX,
  bigcommerce: storeClientsFromEnv(),
  metrics: createConsumerMetrics({ defaultDimensions: { stage: config.STAGE } }),
});
