import { storeClientsFromEnv } from '../../shared/bigcommerce/rest/config.js';
import { loadConsumeConfig } from '../../shared/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { createDedupeTableClient } from '../../shared/dedupe/table-client.js';
import { handlers } from './handlers/registry.js';
import { createConsumeHandler } from './lambda.js';

const config = loadConsumeConfig();

/**
 * The consume Lambda: the registry's handlers, deduped on the DEDUPE_TABLE_NAME table, each event checked
 * against the store its EVENT_SOURCE_NAME_PREFIX-named source belongs to; `context.bigcommerce` calls
 * BIGCOMMERCE_API_URL with each store's token (read on first use).
 */
export const handler = createConsumeHandler({
  handlers,
  dedupe: createIdempotentDedupe({
    dynamo: createDedupeTableClient({ endpoint: config.AWS_ENDPOINT_URL_DYNAMODB }),
    tableName: config.DEDUPE_TABLE_NAME,
    windowSeconds: config.DEDUPE_WINDOW_SECONDS,
  }),
  eventSourceNamePrefix: config.EVENT_SOURCE_NAME_PREFIX,
  bigcommerce: storeClientsFromEnv(),
});
