/**
 * What delivery needs from SQS: a queue's resource policy, and sending a body to a queue named in a target ARN.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** A queue's ARN, as SQS reports it, and its `Policy` attribute (JSON; undefined when it has none). */
export interface QueueAccess {
  arn: string;
  policy?: string;
}

/** Sends one message to a queue by name, with optional string message attributes. */
export interface QueueSender {
  send(queueName: string, body: string, attributes?: Readonly<Record<string, string>>): Promise<void>;
  /** Reads the queue's ARN and policy afresh on each call, so a SetQueueAttributes applies at once. */
  access(queueName: string): Promise<QueueAccess>;
  close(): void;
}

/** Options for {@link createSqsSender}. */
export interface SqsSenderOptions {
  region: string;
  /** SQS endpoint (local-aws-sqs, LocalStack); omitted, the SDK's own resolution applies (AWS_ENDPOINT_URL_SQS). */
  endpoint?: string;
}

/**
 * A {@link QueueSender} over `@aws-sdk/client-sqs`: GetQueueUrl by name, then SendMessage or
 * GetQueueAttributes. The client makes a single attempt per call so that the target's RetryPolicy, not the
 * SDK, decides about retries.
 */
export const createSqsSender = ({ region, endpoint }: SqsSenderOptions): QueueSender => {
  const client = new SQSClient({
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const urlOf = async (queueName: string) =>
    (await client.send(new GetQueueUrlCommand({ QueueName: queueName }))).QueueUrl;
  return {
    async send(queueName, body, attributes = {}) {
      const QueueUrl = await urlOf(queueName);
      const entries = Object.entries(attributes);
      const MessageAttributes =
        entries.length === 0
          ? undefined
          : Object.fromEntries(
              entries.map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
            );
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes }));
    },
    async access(queueName) {
      const QueueUrl = await urlOf(queueName);
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'Policy'] }),
      );
      return { arn: Attributes.QueueArn ?? '', policy: Attributes.Policy };
    },
    close: () => client.destroy(),
  };
};
