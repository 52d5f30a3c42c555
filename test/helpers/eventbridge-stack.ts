import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import {
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  startEventBridgeEmulator,
} from '../../local/eventbridge/index.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const account = '123456789012';

/**
 * A queue policy letting EventBridge send to `queueArn` from rules whose ARN matches `sourceArn` (ArnLike),
 * as a queue needs before the emulator delivers to it. Default: any rule of this account and region.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
 */
export const eventBridgeQueuePolicy = (
  queueArn: string,
  sourceArn: string | string[] = `arn:aws:events:${region}:${account}:rule/*`,
) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnLike: { 'aws:SourceArn': sourceArn } },
      },
    ],
  });

/** The EventBridge emulator and local-aws-sqs on random 127.0.0.1 ports, with real SDK clients for both. */
export interface EventBridgeStack {
  emulator: EventBridgeEmulator;
  /** A client that makes one attempt per call, so errors surface as sent. */
  eventBridge: EventBridgeClient;
  /** A client built with `options` (e.g. the SDK's default retries). */
  eventBridgeWith(options: { maxAttempts?: number }): EventBridgeClient;
  sqs: SQSClient;
  /**
   * Creates a queue and returns its URL and the ARN a target uses. Its policy admits every rule of the
   * account ({@link eventBridgeQueuePolicy}) unless `policy` says otherwise (`null`: no policy).
   */
  createQueue(name: string, options?: { policy?: string | null }): Promise<{ url: string; arn: string }>;
  /** Replaces a queue's policy (SetQueueAttributes; `''` removes it). */
  setPolicy(url: string, policy: string): Promise<void>;
  /** Everything currently visible on a queue (no long polling). */
  receive(url: string): Promise<Message[]>;
  close(): Promise<void>;
}

/** Starts the stack; pass emulator options such as fast retry delays. */
export const startEventBridgeStack = async (
  options: Omit<EventBridgeEmulatorOptions, 'port' | 'sqsEndpoint'> = {},
): Promise<EventBridgeStack> => {
  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1', region, accountId: account });
  const address = sqsServer.address();
  const sqsEndpoint = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const emulator = await startEventBridgeEmulator({ region, account, ...options, port: 0, sqsEndpoint });
  const clients: { destroy(): void }[] = [];
  const eventBridgeWith = ({ maxAttempts }: { maxAttempts?: number }) => {
    const client = new EventBridgeClient({ region, endpoint: emulator.url, credentials, maxAttempts });
    clients.push(client);
    return client;
  };
  const sqs = new SQSClient({ region, endpoint: sqsEndpoint, credentials });
  clients.push(sqs);

  return {
    emulator,
    eventBridge: eventBridgeWith({ maxAttempts: 1 }),
    eventBridgeWith,
    sqs,
    async createQueue(name, options = {}) {
      const arn = `arn:aws:sqs:${region}:${account}:${name}`;
      const policy = options.policy === undefined ? eventBridgeQueuePolicy(arn) : options.policy;
      const { QueueUrl = '' } = await sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: policy === null ? {} : { Policy: policy } }),
      );
      return { url: QueueUrl, arn };
    },
    async setPolicy(url, policy) {
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: policy } }));
    },
    async receive(url) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      return Messages;
    },
    async close() {
      await emulator.close();
      for (const client of clients) client.destroy();
      await new Promise<void>((resolve) => sqsServer.close(() => resolve()));
    },
  };
};
