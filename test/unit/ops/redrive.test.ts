import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { redrive } from '../../../shared/ops/redrive.js';
import { createJudge } from '../../../shared/ops/verdict.js';
import { recordFor } from '../../helpers/records.js';

const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/bigcommerce-webhooks-dev-events-dlq';
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/bigcommerce-webhooks-dev-events';
const judge = createJudge({ eventSourceNamePrefix: 'bigcommerce-webhooks-dev' });

/** `count` messages with ids `<prefix>-<n>`, received under receipt handles marked `round`. */
const messages = (prefix: string, count: number, round = 1): Message[] =>
  Array.from({ length: count }, (_, n) => ({
    MessageId: `${prefix}-${n}`,
    ReceiptHandle: `${prefix}-${n}-r${round}`,
    Body: recordFor('store/order/created').body,
  }));

describe('Function: redrive (SQS answers scripted)', () => {
  const sqs = mockClient(SQSClient);
  const client = new SQSClient({ region: 'us-east-1' });

  beforeEach(() => {
    sqs.reset();
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
  });

  it('keeps counting in a dry run when messages already seen come back (their visibility ran out)', async () => {
    // Prepare: a long run on a large DLQ, where the first batch becomes visible again before the end
    const first = messages('a', 10);
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: first })
      .resolvesOnce({ Messages: messages('a', 10, 2) })
      .resolvesOnce({ Messages: messages('b', 10) })
      .resolves({ Messages: [] });

    // Act
    const report = await redrive(client, { from: DLQ, to: QUEUE, dryRun: true, judge });

    // Assess
    expect(report.seen).toBe(20);
    expect(report.byScope).toEqual({ 'store/order/created': { valid: 20, invalid: 0 } });
    const released = sqs
      .commandCalls(ChangeMessageVisibilityBatchCommand)
      .flatMap((call) => call.args[0].input.Entries?.map((entry) => entry.ReceiptHandle) ?? []);
    expect(released).toHaveLength(20);
    expect(released).toContain('a-0-r2');
  });

  it('stops when more than a full pass brings back only messages already seen', async () => {
    // Prepare: a queue that never answers empty (every message comes straight back)
    sqs.on(ReceiveMessageCommand).callsFake(async () => ({ Messages: messages('a', 5) }));

    // Act
    const report = await redrive(client, { from: DLQ, to: QUEUE, dryRun: true, judge });

    // Assess
    expect(report.seen).toBe(5);
    expect(sqs).toHaveReceivedCommandTimes(ReceiveMessageCommand, 3);
  });

  it('leaves a message SQS would not take on the DLQ, reports it, and makes it visible again', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: messages('a', 2) })
      .resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'new-0', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'KMS.ThrottlingException', SenderFault: false, Message: 'slow down' }],
    });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });

    // Act
    const report = await redrive(client, { from: DLQ, to: QUEUE, dryRun: false, judge });

    // Assess
    expect(report).toMatchObject({ seen: 2, moved: 1 });
    expect(report.failed).toEqual([{ messageId: 'a-1', reason: 'KMS.ThrottlingException: slow down' }]);
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageBatchCommand, {
      QueueUrl: DLQ,
      Entries: [{ Id: '0', ReceiptHandle: 'a-0-r1' }],
    });
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, {
      QueueUrl: DLQ,
      Entries: [{ Id: '0', ReceiptHandle: 'a-1-r1', VisibilityTimeout: 0 }],
    });
  });
});
