import {
  ChangeMessageVisibilityBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface PeekOptions {
  /** Stop after this many distinct messages. */
  max: number;
  /**
   * How long the received messages stay hidden if this process dies before it releases them (default 30 s);
   * they are released, visible again, as soon as the reading is done.
   */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each receive (default 1 s, so that an empty answer means an empty queue). */
  waitTimeSeconds?: number;
}

export interface Peeked {
  messages: Message[];
  /** Messages SQS would not make visible again (e.g. a receipt handle that expired): visible after their timeout. */
  unreleased: { messageId: string; reason: string }[];
}

const BATCH = 10;

/**
 * Reads up to `max` messages of a queue without consuming them: ReceiveMessage, never DeleteMessage, then
 * ChangeMessageVisibility to 0 for every message received, so they are visible again at once. Messages are
 * held until the end so that each receive returns new ones. Each read counts as a receive towards the
 * queue's redrive policy (`ApproximateReceiveCount`), as any receive does.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
export const peek = async (
  sqs: Pick<SQSClient, 'send'>,
  queueUrl: string,
  options: PeekOptions,
): Promise<Peeked> => {
  const messages: Message[] = [];
  const seen = new Set<string>();
  const peeked: Peeked = { messages, unreleased: [] };
  // By message id, the latest receipt only: SQS accepts only the most recent receipt handle of a message.
  const held = new Map<string, Message>();
  try {
    while (messages.length < options.max) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(BATCH, options.max - messages.length),
          VisibilityTimeout: options.visibilityTimeoutSeconds ?? 30,
          WaitTimeSeconds: options.waitTimeSeconds ?? 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          // The name it replaced, which SQS still takes and SQS-compatible servers (local-aws-sqs) read.
          AttributeNames: ['All'],
        }),
      );
      for (const message of Messages) held.set(message.MessageId ?? '', message);
      const fresh = Messages.filter((message) => !seen.has(message.MessageId ?? ''));
      if (fresh.length === 0) break;
      for (const message of fresh) seen.add(message.MessageId ?? '');
      messages.push(...fresh.slice(0, options.max - messages.length));
    }
  } finally {
    peeked.unreleased = await release(sqs, queueUrl, [...held.values()]);
  }
  return peeked;
};

/** Makes received messages visible again at once. */
const release = async (sqs: Pick<SQSClient, 'send'>, queueUrl: string, held: Message[]) => {
  const unreleased: Peeked['unreleased'] = [];
  for (let i = 0; i < held.length; i += BATCH) {
    const batch = held.slice(i, i + BATCH);
    const { Failed = [] } = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, n) => ({
          Id: String(n),
          ReceiptHandle: message.ReceiptHandle ?? '',
          VisibilityTimeout: 0,
        })),
      }),
    );
    for (const entry of Failed) {
      unreleased.push({
        messageId: batch[Number(entry.Id)]?.MessageId ?? String(entry.Id),
        reason: `${entry.Code ?? 'Error'}: ${entry.Message ?? 'no message'}`,
      });
    }
  }
  return unreleased;
};
