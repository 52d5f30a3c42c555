import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createPeerHandler, type PeerRecord } from '../peer.js';

/**
 * The peer's deployable consumer, the one a user would build from Powertools alone: parser + batch +
 * idempotency on Powertools' own DynamoDB persistence layer (the AWS SDK's client, configured by its
 * standard chain: AWS_REGION, credentials, AWS_ENDPOINT_URL_DYNAMODB). Each record is done once per BigCommerce
 * `hash`, as ours dedupes. The cold-start bench bundles it like a function and times its first invocation.
 */
const tableName = process.env.DEDUPE_TABLE_NAME;
if (!tableName) throw new Error('DEDUPE_TABLE_NAME is not set');

const persistenceStore = new DynamoDBPersistenceLayer({ tableName });
const config = new IdempotencyConfig({ eventKeyJmesPath: 'body.detail.hash' });
const processOnce = makeIdempotent(async (_record: PeerRecord) => undefined, { persistenceStore, config });
const peer = createPeerHandler(processOnce);

export const handler = (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  // The lock of a record in progress lapses with this invocation's deadline.
  config.registerLambdaContext(context);
  return peer(event, context);
};
