import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import {
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  startEventBridgeEmulator,
} from '../../local/eventbridge/index.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const account = '123456789012';

/** The EventBridge emulator and local-aws-sqs on random 127.0.0.1 ports, with real SDK clients for both. */
export interface EventBridgeStack {
  emulator: EventBridgeEmulator;
  /** A client that makes one attempt per call, so errors surface as sent. */
  eventBridge: EventBridgeClient;
  /** A client built with `options` (e.g. the SDK's default retries). */
  eventBridgeWith(options: { maxAttempts?: number }): EventBridgeClient;
  sqs: SQSClient;
  /** Creates a queue and returns its URL and the ARN a target uses. */
  createQueue(name: string): Promise<{ url: string; arn: string }>;
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
    async createQueue(name) {
      const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      return { url: QueueUrl, arn: `arn:aws:sqs:${region}:${account}:${name}` };
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
