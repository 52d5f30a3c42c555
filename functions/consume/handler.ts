import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConsumeConfig } from '../../shared/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { handlers } from './handlers/registry.js';
import { createConsumeHandler } from './lambda.js';

const config = loadConsumeConfig();

/** The consume Lambda: the registry's handlers, deduped on the DEDUPE_TABLE_NAME table. */
export const handler = createConsumeHandler({
  handlers,
  dedupe: createIdempotentDedupe({
    client: new DynamoDBClient({}),
    tableName: config.DEDUPE_TABLE_NAME,
    windowSeconds: config.DEDUPE_WINDOW_SECONDS,
  }),
});
