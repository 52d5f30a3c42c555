import { createHash } from 'node:crypto';
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { toMessageAttributes } from '../shared/aws/message-attributes.js';
import { REGION, sqsArn } from './stack-config.js';

/** Invokes the consume function with one batch, as Lambda's SQS event source mapping does. */
export type InvokeBatch = (event: SQSEvent) => Promise<SQSBatchResponse | undefined | null>;

export interface BatchReport {
  received: number;
  /** The records of the batch, for a caller that follows events through the stack. */
  records: SQSRecord[];
  failed: string[];
  /** Set when the invocation itself failed: the whole batch stays on the queue. */
  error?: string;
}

export interface EventSourceMapping {
  /** Stops polling after the batch in flight. */
  stop(): Promise<void>;
}

const toRecord = (message: Message, queueArn: string): SQSRecord => {
  const attributes = message.Attributes ?? {};
  const body = message.Body ?? '';
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body,
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: toMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  };
};

/**
 * Which messages to delete after an invocation, with Lambda's ReportBatchItemFailures rules: the records
 * not listed as failed; nothing when the response names an identifier that is not in the batch.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export const acknowledged = (
  records: SQSRecord[],
  response: SQSBatchResponse | undefined | null,
): SQSRecord[] => {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((record) => record.messageId));
  if (failures.some((failure) => !failure.itemIdentifier || !ids.has(failure.itemIdentifier))) return [];
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  return records.filter((record) => !failed.has(record.messageId));
};

/**
 * Polls the queue and hands batches to `invoke` with the semantics of Lambda's SQS event source mapping:
 * failed records stay on the queue, come back after the visibility timeout, and the queue's redrive
 * policy moves them to the DLQ after maxReceiveCount receives.
 */
export const startEventSourceMapping = async (options: {
  sqs: SQSClient;
  queueName: string;
  invoke: InvokeBatch;
  batchSize?: number;
  pollIntervalMs?: number;
  /**
   * Batches in flight at once (default 1). Lambda's SQS pollers run several batches concurrently (five
   * at first, scaling up), so a slow batch does not hold back the others.
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   */
  concurrency?: number;
  onBatch?: (report: BatchReport) => void;
  /** Called with each batch just before `invoke` (a fault knob arms itself here). */
  onInvoke?: (records: SQSRecord[]) => void;
}): Promise<EventSourceMapping> => {
  const { sqs, invoke, onBatch } = options;
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: options.queueName }));
  if (!QueueUrl) throw new Error(`queue ${options.queueName} not found`);
  const queueArn = sqsArn(options.queueName);
  let running = true;
  const wakes = new Set<() => void>();

  const pollOnce = async (): Promise<number> => {
    // WaitTimeSeconds 0: local-aws-sqs holds a long poll for its full wait when the batch is not full.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        // Lambda's mapping passes every message attribute on (the ingress's transport, webhook-id, store-hash).
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return 0;
    const records = Messages.map((message) => toRecord(message, queueArn));
    let response: SQSBatchResponse | undefined | null;
    options.onInvoke?.(records);
    try {
      response = await invoke({ Records: records });
    } catch (error) {
      onBatch?.({
        received: records.length,
        records,
        failed: records.map((r) => r.messageId),
        error: String(error),
      });
      return records.length;
    }
    const done = acknowledged(records, response);
    if (done.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    const doneIds = new Set(done.map((record) => record.messageId));
    onBatch?.({
      received: records.length,
      records,
      failed: records.filter((r) => !doneIds.has(r.messageId)).map((r) => r.messageId),
    });
    return records.length;
  };

  const poller = async () => {
    while (running) {
      let received = 0;
      try {
        received = await pollOnce();
      } catch (error) {
        if (running) onBatch?.({ received: 0, records: [], failed: [], error: String(error) });
      }
      if (received === 0 && running) {
        await new Promise<void>((resolve) => {
          const done = () => {
            wakes.delete(done);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(done, options.pollIntervalMs ?? 100);
          wakes.add(done);
        });
      }
    }
  };
  const loops = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, poller);

  return {
    stop: async () => {
      running = false;
      for (const wake of [...wakes]) wake();
      await Promise.all(loops);
    },
  };
};
