import {
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumeHandler } from '../../functions/consume/lambda.js';
import { acknowledged, type BatchReport, startEventSourceMapping } from '../../local/event-source-mapping.js';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import { fakeContext } from '../helpers/context.js';
import { createFakeDedupe } from '../helpers/fake-dedupe.js';
import { recordFor } from '../helpers/records.js';
import { until } from '../helpers/until.js';

describe('Local event source mapping', () => {
  it('deletes only what the batch response acknowledges', () => {
    const records = ['a', 'b', 'c'].map((messageId) => ({ messageId }) as SQSRecord);
    expect(
      acknowledged(records, { batchItemFailures: [{ itemIdentifier: 'b' }] }).map((r) => r.messageId),
    ).toEqual(['a', 'c']);
    expect(acknowledged(records, undefined)).toHaveLength(3);
    expect(acknowledged(records, { batchItemFailures: [{ itemIdentifier: 'zzz' }] })).toEqual([]);
    expect(acknowledged(records, { batchItemFailures: [{ itemIdentifier: '' }] })).toEqual([]);
  });

  describe('against local-aws-sqs', () => {
    let queues: LocalQueues;
    let sqs: SQSClient;

    beforeAll(async () => {
      queues = await startQueues({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
      sqs = new SQSClient({ endpoint: queues.url, region: 'us-east-1' });
    });
    afterAll(async () => {
      sqs.destroy();
      await queues.close();
    });

    it('handles good records once and moves a poison record to the DLQ, body intact, after maxReceiveCount', async () => {
      // Prepare
      const handled: number[] = [];
      const consume = createConsumeHandler({
        handlers: {
          'store/order/created': (event) => {
            if (event.data.id === 13) throw new Error('poison');
            handled.push(event.data.id);
          },
        },
        dedupe: createFakeDedupe().dedupe,
      });
      const reports: BatchReport[] = [];
      const mapping = await startEventSourceMapping({
        sqs,
        queueName: queues.queueName,
        invoke: (event) => consume(event, fakeContext()),
        onBatch: (report) => reports.push(report),
      });
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queues.queueName }));
      const dlq = await sqs.send(new GetQueueUrlCommand({ QueueName: queues.dlqName }));
      const poison = recordFor('store/order/created', { type: 'order', id: 13 });

      // Act
      for (const id of [1, 2]) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: recordFor('store/order/created', { type: 'order', id }).body,
          }),
        );
      }
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: poison.body }));
      const dead: string[] = [];
      await until(async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 0, MaxNumberOfMessages: 10 }),
        );
        dead.push(...Messages.map((message) => message.Body ?? ''));
        return dead.length > 0;
      });
      await mapping.stop();

      // Assess
      expect(handled.sort()).toEqual([1, 2]);
      expect(dead).toEqual([poison.body]);
      expect(reports.filter((report) => report.failed.length > 0)).toHaveLength(2);
    });
  });
});
