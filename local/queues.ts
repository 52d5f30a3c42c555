import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSqsServer } from 'local-aws-sqs';
import { loadServerlessQueuePolicy } from './serverless-queue-policy.js';
import {
  ACCOUNT_ID,
  DLQ_NAME,
  HOST,
  MAX_RECEIVE_COUNT,
  QUEUE_NAME,
  REGION,
  STAGE,
  sqsArn,
} from './stack-config.js';

export interface LocalQueues {
  /** The endpoint to set as AWS_ENDPOINT_URL_SQS. */
  url: string;
  queueName: string;
  dlqName: string;
  close(): Promise<void>;
}

/**
 * Starts local-aws-sqs (the real SQS JSON and Query protocols) with the service's queue and its DLQ,
 * wired by the same redrive policy as serverless.yml. Each queue that serverless.yml's
 * EventBridgeToQueuesPolicy lists carries that policy, read from serverless.yml for this stack's account,
 * region and stage (the EventBridge emulator enforces it); a queue it does not list has none. The
 * visibility timeout is short so that local retries take seconds, not the deployed 3 minutes.
 */
export const startQueues = async (
  options: {
    port?: number;
    visibilityTimeoutSeconds?: number;
    maxReceiveCount?: number;
    /** The serverless.yml whose queue policy the queues carry (default: the service's own). */
    serverlessYml?: string;
  } = {},
): Promise<LocalQueues> => {
  const { queueNames, policy } = loadServerlessQueuePolicy(
    { partition: 'aws', region: REGION, account: ACCOUNT_ID, stage: STAGE },
    options.serverlessYml,
  );
  const policyOf = (queueName: string) => (queueNames.includes(queueName) ? { Policy: policy } : {});
  const server: Server = await createSqsServer({
    port: options.port ?? 0,
    hostname: HOST,
    accountId: ACCOUNT_ID,
    region: REGION,
    emulateQueueCreationLifecycle: false,
    queues: [
      {
        QueueName: DLQ_NAME,
        Attributes: { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true, ...policyOf(DLQ_NAME) },
      },
      {
        QueueName: QUEUE_NAME,
        Attributes: {
          SqsManagedSseEnabled: true,
          ...policyOf(QUEUE_NAME),
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 2,
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: sqsArn(DLQ_NAME),
            maxReceiveCount: options.maxReceiveCount ?? MAX_RECEIVE_COUNT,
          }),
        },
      },
    ],
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    queueName: QUEUE_NAME,
    dlqName: DLQ_NAME,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
