import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import { queueNamesOf } from '../../shared/ops/queues.js';
import { redrive } from '../../shared/ops/redrive.js';
import { MALFORMED, UNKNOWN } from '../../shared/ops/scopes.js';
import { rawRecord, recordFor } from '../helpers/records.js';

const run = promisify(execFile);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** What the DLQ holds after a bad deploy: events of three scopes, plus bodies no handler could read. */
const deadLetters = () => [
  ...['store/order/created', 'store/order/created', 'store/category/updated', 'store/product/updated'].map(
    (scope) => recordFor(scope).body,
  ),
  rawRecord('{"truncated": ').body,
  rawRecord(JSON.stringify({ 'detail-type': 'somethingElse', detail: {} })).body,
];

const EXPECTED_SCOPES = {
  'store/order/created': 2,
  'store/category/updated': 1,
  'store/product/updated': 1,
  [MALFORMED]: 1,
  [UNKNOWN]: 1,
};

describe('Ops: redrive the DLQ back to the queue (local-aws-sqs)', () => {
  let queues: LocalQueues;
  let sqs: SQSClient;
  let urls: { queue: string; dlq: string };
  const names = queueNamesOf('dev');

  const urlOf = async (name: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
  const depth = async (url: string) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages),
      hidden: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    };
  };
  const drain = async (url: string) => {
    const all: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return all;
      all.push(...Messages);
    }
  };

  beforeEach(async () => {
    queues = await startQueues();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: queues.url, credentials });
    urls = { queue: await urlOf(names.queue), dlq: await urlOf(names.deadLetterQueue) };
  });

  afterEach(async () => {
    sqs.destroy();
    await queues.close();
  });

  const seed = async (bodies: string[]) => {
    for (const [i, body] of bodies.entries()) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: urls.dlq,
          MessageBody: body,
          MessageAttributes: { seq: { DataType: 'Number', StringValue: String(i) } },
        }),
      );
    }
  };

  it('counts the DLQ by scope in a dry run and moves nothing', async () => {
    // Prepare
    await seed(deadLetters());

    // Act
    const report = await redrive(sqs, {
      from: names.deadLetterQueue,
      to: names.queue,
      dryRun: true,
      waitTimeSeconds: 0,
    });

    // Assess
    expect(report).toMatchObject({ dryRun: true, total: 6, failed: [] });
    expect(report.byScope).toEqual(EXPECTED_SCOPES);
    expect(await depth(urls.dlq)).toEqual({ visible: 6, hidden: 0 });
    expect(await depth(urls.queue)).toEqual({ visible: 0, hidden: 0 });
  });

  it('moves every message back with its body and attributes intact and leaves the DLQ empty', async () => {
    // Prepare
    const bodies = [
      ...deadLetters(),
      ...Array.from({ length: 19 }, () => recordFor('store/order/created').body),
    ];
    await seed(bodies);

    // Act
    const report = await redrive(sqs, { from: urls.dlq, to: urls.queue, dryRun: false, waitTimeSeconds: 0 });
    const moved = await drain(urls.queue);

    // Assess
    expect(report).toMatchObject({ dryRun: false, total: 25, failed: [] });
    expect(report.byScope).toEqual({ ...EXPECTED_SCOPES, 'store/order/created': 21 });
    expect(moved.map((message) => message.Body).sort()).toEqual([...bodies].sort());
    expect(
      moved.map((message) => Number(message.MessageAttributes?.seq?.StringValue)).sort((a, b) => a - b),
    ).toEqual(bodies.map((_, i) => i));
    expect(await depth(urls.dlq)).toEqual({ visible: 0, hidden: 0 });
  });

  it('runs as `npm run redrive` against the local queues through AWS_ENDPOINT_URL_SQS, printing its report', async () => {
    // Prepare
    await seed(deadLetters());
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_SQS: queues.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };

    // Act
    const { stdout } = await run('npm', ['run', '--silent', 'redrive', '--', '--stage', 'dev'], { env });

    // Assess
    expect(JSON.parse(stdout)).toMatchObject({
      dryRun: false,
      total: 6,
      byScope: EXPECTED_SCOPES,
      failed: [],
    });
    expect(await depth(urls.dlq)).toEqual({ visible: 0, hidden: 0 });
    expect(await depth(urls.queue)).toEqual({ visible: 6, hidden: 0 });
  });
});
