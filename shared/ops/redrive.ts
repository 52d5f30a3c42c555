import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { queueUrlOf } from './queues.js';
import { countInto, scopeOfBody } from './scopes.js';

export interface RedriveOptions {
  /** The dead-letter queue to empty: name or URL. */
  from: string;
  /** The queue to move its messages back to: name or URL. */
  to: string;
  /** Only count the messages by scope; nothing is moved or deleted. */
  dryRun: boolean;
  /** Stop after this many messages (default: until the DLQ answers empty). */
  max?: number;
  /** How long a received message stays hidden from others while it is handled (default 30 s). */
  visibilityTimeoutSeconds?: number;
  /** Long-poll wait of each receive (default 1 s, so that an empty answer means an empty queue). */
  waitTimeSeconds?: number;
}

export interface RedriveReport {
  from: string;
  to: string;
  dryRun: boolean;
  /** Messages seen (dry run) or moved. */
  total: number;
  /** The same messages by webhook scope, `(malformed)` and `(unknown)` included. */
  byScope: Record<string, number>;
  /** Messages that could not be sent to `to`; they stay on the DLQ. */
  failed: { messageId: string; reason: string }[];
}

const BATCH = 10;

const receive = (sqs: SQSClient, url: string, options: RedriveOptions, count: number) =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: count,
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 30,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageAttributeNames: ['All'],
      }),
    )
    .then((answer) => answer.Messages ?? []);

/** Makes messages received during a dry run visible again at once. */
const release = async (sqs: SQSClient, url: string, messages: Message[]) => {
  for (let i = 0; i < messages.length; i += BATCH) {
    const entries = messages.slice(i, i + BATCH).map((message, n) => ({
      Id: String(n),
      ReceiptHandle: message.ReceiptHandle ?? '',
      VisibilityTimeout: 0,
    }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries }));
  }
};

/** Sends a batch to `to`, then deletes from `from` exactly the messages that were sent. */
const move = async (sqs: SQSClient, from: string, to: string, batch: Message[], report: RedriveReport) => {
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: to,
      Entries: batch.map((message, n) => ({
        Id: String(n),
        MessageBody: message.Body ?? '',
        ...(message.MessageAttributes && { MessageAttributes: message.MessageAttributes }),
      })),
    }),
  );
  for (const entry of sent.Failed ?? []) {
    report.failed.push({
      messageId: batch[Number(entry.Id)]?.MessageId ?? String(entry.Id),
      reason: `${entry.Code ?? 'Error'}: ${entry.Message ?? 'no message'}`,
    });
  }
  const moved = (sent.Successful ?? []).flatMap((entry) => batch[Number(entry.Id)] ?? []);
  const entries = moved.map((message, n) => ({ Id: String(n), ReceiptHandle: message.ReceiptHandle ?? '' }));
  if (entries.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: from, Entries: entries }));
  return moved;
};

/**
 * Moves every message of a dead-letter queue back to its queue, bodies and attributes unchanged, after
 * the fault that sent them there is fixed; a message is deleted from the DLQ only once the queue holds it.
 * With `dryRun` it only counts them by scope (each message is received, counted and made visible again).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export const redrive = async (sqs: SQSClient, options: RedriveOptions): Promise<RedriveReport> => {
  const from = await queueUrlOf(sqs, options.from);
  const to = await queueUrlOf(sqs, options.to);
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const report: RedriveReport = { from, to, dryRun: options.dryRun, total: 0, byScope: {}, failed: [] };
  const held: Message[] = [];
  const seen = new Set<string>();
  try {
    while (report.total < max) {
      const batch = (await receive(sqs, from, options, Math.min(BATCH, max - report.total))).filter(
        (message) => !seen.has(message.MessageId ?? ''),
      );
      if (batch.length === 0) break;
      for (const message of batch) seen.add(message.MessageId ?? '');
      const counted = options.dryRun ? batch : await move(sqs, from, to, batch, report);
      if (options.dryRun) held.push(...batch);
      for (const message of counted) countInto(report.byScope, scopeOfBody(message.Body ?? ''));
      report.total += counted.length;
    }
  } finally {
    if (options.dryRun) await release(sqs, from, held);
  }
  return report;
};
