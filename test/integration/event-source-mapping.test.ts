import {
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HandlerContext } from '../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../functions/consume/lambda.js';
import { acknowledged, type BatchReport, startEventSourceMapping } from '../../local/event-source-mapping.js';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import { ingressMessageOf } from '../../shared/bigcommerce/ingress-message.js';
import { samplePayload } from '../../shared/bigcommerce/samples.js';
import { fakeContext } from '../helpers/context.js';
import { createFakeDedupe } from '../helpers/fake-dedupe.js';
import { recordFor, STORE_HASH } from '../helpers/records.js';
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

    it("hands each message's attributes over as Lambda does: camel-cased, binary in base64, empty lists", async () => {
      // Prepare
      const invoked: SQSRecord[] = [];
      const mapping = await startEventSourceMapping({
        sqs,
        queueName: queues.queueName,
        invoke: async (event) => {
          invoked.push(...event.Records);
          return { batchItemFailures: [] };
        },
      });
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queues.queueName }));

      // Act
      await sqs.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'with attributes',
          MessageAttributes: {
            transport: { DataType: 'String', StringValue: 'https' },
            count: { DataType: 'Number', StringValue: '3' },
            raw: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 254, 255]) },
          },
        }),
      );
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'without attributes' }));
      await until(() => invoked.length === 2);
      await mapping.stop();

      // Assess
      const byBody = Object.fromEntries(invoked.map((record) => [record.body, record.messageAttributes]));
      expect(byBody['with attributes']).toEqual({
        transport: { dataType: 'String', stringValue: 'https', stringListValues: [], binaryListValues: [] },
        count: { dataType: 'Number', stringValue: '3', stringListValues: [], binaryListValues: [] },
        raw: { dataType: 'Binary', binaryValue: 'AAH+/w==', stringListValues: [], binaryListValues: [] },
      });
      expect(byBody['without attributes']).toEqual({});
    });

    it('feeds an ingress message to the consumer as an https delivery', async () => {
      // Prepare
      const contexts: HandlerContext[] = [];
      const consume = createConsumeHandler({
        handlers: { 'store/order/created': (_event, context) => void contexts.push(context) },
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
      const payload = samplePayload({
        scope: 'store/order/created',
        data: { type: 'order', id: 21 },
        storeHash: STORE_HASH,
        createdAt: 1_796_083_200,
      });
      const message = ingressMessageOf({
        rawBody: JSON.stringify(payload),
        webhookId: 'msg_mapping',
        storeHash: STORE_HASH,
      });

      // Act
      await sqs.send(new SendMessageCommand({ QueueUrl, ...message }));
      await until(() => contexts.length === 1);
      await mapping.stop();

      // Assess
      expect(contexts[0]).toMatchObject({ transport: 'https', https: { webhookId: 'msg_mapping' } });
      expect(reports.flatMap((report) => report.failed)).toEqual([]);
    });
  });
});
