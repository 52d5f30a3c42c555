import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { partitionOf } from '../../shared/aws/partition.js';
import { ssmTokenProvider, staticTokenProvider, type TokenProvider } from '../../shared/aws/ssm.js';
import { createStoreGraphQL } from '../../shared/bigcommerce/graphql/client.js';
import { createPreflightCache } from '../../shared/bigcommerce/graphql/preflight.js';
import type { ScopePattern } from '../../shared/bigcommerce/scopes/index.js';
import type { ProvisionConfig } from '../../shared/config.js';
import type { KeyedLogger } from '../../shared/logger.js';
import { dynamoStoreRegistry } from '../../shared/provisioning/registry.js';
import { dynamoStoreLeases } from '../../shared/provisioning/stores-table.js';
import type { ProvisionApi } from './api.js';
import { defaultScopes, unhandledScopes } from './scopes.js';

/** Time kept, at the end of an invocation, to answer with what the run did. */
const ANSWER_MARGIN_MS = 2_000;

const tokenProviderOf = (config: ProvisionConfig): TokenProvider => {
  if (config.BIGCOMMERCE_ACCESS_TOKEN) return staticTokenProvider(config.BIGCOMMERCE_ACCESS_TOKEN);
  // The schema guarantees one of the two is set.
  return ssmTokenProvider(new SSMClient({}), config.BIGCOMMERCE_TOKEN_PARAMETER ?? '');
};

/**
 * Builds the API's dependencies from the configuration and the scopes the consumer handles. SDK clients use their default configuration, so
 * `AWS_ENDPOINT_URL_EVENTBRIDGE` / `AWS_ENDPOINT_URL_SSM` / `AWS_ENDPOINT_URL_DYNAMODB` point them at
 * emulators without code branches.
 */
export const createProvisionApiDeps = (
  config: ProvisionConfig,
  subscribed: readonly ScopePattern[],
  logger: KeyedLogger,
): ProvisionApi => {
  const tokens = tokenProviderOf(config);
  const dynamo = new DynamoDBClient({});
  const partition = partitionOf(config.AWS_REGION);
  const queueArn = (name: string) =>
    `arn:${partition}:sqs:${config.AWS_REGION}:${config.AWS_ACCOUNT_ID}:${name}`;
  return {
    deps: {
      eventBridge: new EventBridgeClient({}),
      graphqlFor: async (storeHash) =>
        createStoreGraphQL({
          apiUrl: config.BIGCOMMERCE_API_URL,
          storeHash,
          token: await tokens(storeHash),
          logger,
        }),
      logger,
      preflightCache: createPreflightCache(),
    },
    settingsFor: (context) => ({
      awsAccount: config.AWS_ACCOUNT_ID,
      region: config.AWS_REGION,
      clientId: config.BIGCOMMERCE_CLIENT_ID,
      managedBy: config.EVENT_SOURCE_NAME_PREFIX,
      queueArn: queueArn(config.WEBHOOK_QUEUE_NAME),
      deadLetterQueueArn: queueArn(config.WEBHOOK_DLQ_NAME),
      ruleName: config.RULE_NAME,
      targetId: config.TARGET_ID,
      sourceWaitMs: config.EVENT_SOURCE_WAIT_MS,
      // Answer before Lambda's timeout: API Gateway would otherwise return a bare 5xx without the step.
      ...(typeof context.getRemainingTimeInMillis === 'function' && {
        deadline: Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS,
      }),
    }),
    leases: dynamoStoreLeases(dynamo, config.STORES_TABLE_NAME),
    registry: dynamoStoreRegistry(dynamo, config.STORES_TABLE_NAME),
    defaultScopes: defaultScopes(subscribed),
    unhandled: (scopes) => unhandledScopes(scopes, subscribed),
    eventSourceNamePrefix: config.EVENT_SOURCE_NAME_PREFIX,
    maxBodyBytes: config.PROVISION_MAX_BODY_BYTES,
    logger,
  };
};
