import { createDynamoDbHttp } from '../../shared/aws/dynamodb-http.js';
import { loadConsumeConfig } from '../../shared/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { handlers } from './handlers/registry.js';
import { createConsumeHandler } from './lambda.js';

const config = loadConsumeConfig();

/** The consume Lambda: the registry's handlers, deduped on the DEDUPE_TABLE_NAME table. */
export const handler = createConsumeHandler({
  handlers,
  dedupe: createIdempotentDedupe({
    dynamo: createDynamoDbHttp({
      region: config.AWS_REGION,
      endpoint: config.AWS_ENDPOINT_URL_DYNAMODB ?? config.AWS_ENDPOINT_URL,
      credentials: {
        accessKeyId: config.AWS_ACCESS_KEY_ID,
        secretAccessKey: config.AWS_SECRET_ACCESS_KEY,
        sessionToken: config.AWS_SESSION_TOKEN,
      },
    }),
    tableName: config.DEDUPE_TABLE_NAME,
    windowSeconds: config.DEDUPE_WINDOW_SECONDS,
  }),
});
