import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SSMClient } from '@aws-sdk/client-ssm';
import { partitionOf } from '../aws/partition.js';
import { ssmTokenProvider, staticTokenProvider, type TokenProvider } from '../aws/ssm.js';
import { createStoreGraphQL } from '../bigcommerce/graphql/client.js';
import { createPreflightCache } from '../bigcommerce/graphql/preflight.js';
import type { ProvisionConfig } from '../config.js';
import type { KeyedLogger } from '../logger.js';
import { dynamoStoreRegistry } from './registry.js';
import { dynamoStoreLeases } from './stores-table.js';
import type { ProvisionDeps, ProvisionSettings } from './types.js';

const tokenProviderOf = (config: ProvisionConfig): TokenProvider => {
  if (config.BIGCOMMERCE_ACCESS_TOKEN) return staticTokenProvider(config.BIGCOMMERCE_ACCESS_TOKEN);
  // The schema guarantees one of the two is set.
  return ssmTokenProvider(new SSMClient({}), config.BIGCOMMERCE_TOKEN_PARAMETER ?? '');
};

/**
 * The reconciler's clients and settings from provision's configuration, for the two functions that run it:
 * provision (one store per request) and the scheduled reconcile (every registered store). SDK clients use
 * their default configuration, so `AWS_ENDPOINT_URL_EVENTBRIDGE` / `AWS_ENDPOINT_URL_SSM` /
 * `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS` point them at emulators without code branches.
 */
export const reconcilerClients = (config: ProvisionConfig, logger: KeyedLogger) => {
  const tokens = tokenProviderOf(config);
  const dynamo = new DynamoDBClient({});
  const partition = partitionOf(config.AWS_REGION);
  const queueArn = (name: string) =>
    `arn:${partition}:sqs:${config.AWS_REGION}:${config.AWS_ACCOUNT_ID}:${name}`;
  const deps: ProvisionDeps = {
    eventBridge: new EventBridgeClient({}),
    logs: new CloudWatchLogsClient({}),
    graphqlFor: async (storeHash) =>
      createStoreGraphQL({
        apiUrl: config.BIGCOMMERCE_API_URL,
        storeHash,
        token: await tokens(storeHash),
        logger,
      }),
    logger,
    preflightCache: createPreflightCache(),
  };
  /** The settings of one run; `deadline` (epoch ms): when a run still going stops, resumable. */
  const settingsOf = (deadline?: number): ProvisionSettings => ({
    awsAccount: config.AWS_ACCOUNT_ID,
    region: config.AWS_REGION,
    clientId: config.BIGCOMMERCE_CLIENT_ID,
    managedBy: config.EVENT_SOURCE_NAME_PREFIX,
    queueArn: queueArn(config.WEBHOOK_QUEUE_NAME),
    deadLetterQueueArn: queueArn(config.WEBHOOK_DLQ_NAME),
    ruleName: config.RULE_NAME,
    targetId: config.TARGET_ID,
    sourceWaitMs: config.EVENT_SOURCE_WAIT_MS,
    ...(config.INGRESS_BASE_URL && { ingressBaseUrl: config.INGRESS_BASE_URL }),
    ...(deadline !== undefined && { deadline }),
  });
  return {
    deps,
    settingsOf,
    leases: dynamoStoreLeases(dynamo, config.STORES_TABLE_NAME),
    registry: dynamoStoreRegistry(dynamo, config.STORES_TABLE_NAME),
  };
};
