/**
 * The one thing delivery needs from SQS: send a body to a queue named in a target ARN.
 */
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/** Sends one message to a queue by name, with optional string message attributes. */
export interface QueueSender {
  send(queueName: string, body: string, attributes?: Readonly<Record<string, string>>): Promise<void>;
  close(): void;
}

/** Options for {@link createSqsSender}. */
export interface SqsSenderOptions {
  region: string;
  /** SQS endpoint (local-aws-sqs, LocalStack); omitted, the SDK's own resolution applies (AWS_ENDPOINT_URL_SQS). */
  endpoint?: string;
}

/**
 * A {@link QueueSender} over `@aws-sdk/client-sqs`: GetQueueUrl by name, then SendMessage. The client makes a
 * single attempt per call so that the target's RetryPolicy, not the SDK, decides about retries.
 */
export const createSqsSender = ({ region, endpoint }: SqsSenderOptions): QueueSender => {
  const client = new SQSClient({
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    async send(queueName, body, attributes = {}) {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queueName }));
      const entries = Object.entries(attributes);
      const MessageAttributes =
        entries.length === 0
          ? undefined
          : Object.fromEntries(
              entries.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
            );
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes }));
    },
    close: () => client.destroy(),
  };
};
