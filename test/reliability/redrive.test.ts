import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import type { Clock } from '../../shared/clock.js';
import { startMoveTask, waitForMoveTask } from '../../shared/ops/move-task.js';
import { queueNamesOf } from '../../shared/ops/queues.js';
import { redrive } from '../../shared/ops/redrive.js';
import { MALFORMED, UNKNOWN } from '../../shared/ops/scopes.js';
import { createJudge } from '../../shared/ops/verdict.js';
import { rawRecord, recordFor } from '../helpers/records.js';
import { receiveAll } from '../helpers/sqs-receive.js';

const run = promisify(execFile);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** The redrive command; `npm run redrive` runs this file. */
const CLI = 'cli/redrive.ts';
const judge = createJudge({ eventSourceNamePrefix: 'bigcommerce-webhooks-dev' });

/** What the DLQ holds after a bad deploy: 4 events the consumer now handles, and 3 it would reject again. */
const deadLetters = () => [
  ...['store/order/created', 'store/order/created', 'store/category/updated', 'store/product/updated'].map(
    (scope) => recordFor(scope).body,
  ),
  recordFor('store/order/created', { id: 'not a number' }).body,
  rawRecord('{"truncated": ').body,
  rawRecord(JSON.stringify({ 'detail-type': 'somethingElse', detail: {} })).body,
];
const VALID = 4;

const EXPECTED_SCOPES = {
  'store/order/created': { valid: 2, invalid: 1 },
  'store/category/updated': { valid: 1, invalid: 0 },
  'store/product/updated': { valid: 1, invalid: 0 },
  [MALFORMED]: { valid: 0, invalid: 1 },
  [UNKNOWN]: { valid: 0, invalid: 1 },
};

/** A clock that moves only when slept on. */
const fakeClock = () => {
  let now = 0;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
  return clock;
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
  /**
   * Waits until the queue reports `expected`: like SQS's, the emulator's counts settle after a change (a
   * message made visible again is flipped by a 0 ms timer), so a count read at once may be one batch behind.
   */
  const expectDepth = (url: string, expected: { visible: number; hidden: number }) =>
    vi.waitFor(async () => expect(await depth(url)).toEqual(expected));
  const drain = (url: string, waitTimeSeconds = 0) => receiveAll(sqs, url, waitTimeSeconds);
  const seqOf = (messages: Message[]) =>
    messages.map((message) => Number(message.MessageAttributes?.seq?.StringValue)).sort((a, b) => a - b);

  beforeEach(async () => {
    queues = await startQueues();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: queues.url, credentials });
    urls = { queue: await urlOf(names.queue), dlq: await urlOf(names.deadLetterQueue) };
  });

  afterEach(async () => {
    vi.useRealTimers();
    sqs.destroy();
    await queues.close();
  });

  /** Puts `bodies` on the DLQ, each with a `seq` attribute (its index) and a string attribute. */
  const seed = async (bodies: string[]) => {
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: urls.dlq,
          Entries: bodies.slice(i, i + 10).map((body, n) => ({
            Id: String(n),
            MessageBody: body,
            MessageAttributes: {
              seq: { DataType: 'Number', StringValue: String(i + n) },
              origin: { DataType: 'String', StringValue: 'dead-letter' },
            },
          })),
        }),
      );
    }
  };
  const options = { judge, waitTimeSeconds: 0 };

  it('counts the DLQ by scope as valid or invalid in a dry run and moves nothing', async () => {
    // Prepare
    await seed(deadLetters());

    // Act
    const report = await redrive(sqs, {
      ...options,
      from: names.deadLetterQueue,
      to: names.queue,
      dryRun: true,
    });

    // Assess
    expect(report).toMatchObject({ dryRun: true, seen: 7, moved: 0, failed: [] });
    expect(report.byScope).toEqual(EXPECTED_SCOPES);
    expect(report.byVerdict).toEqual({
      handled: 4,
      'rejected:schema-violation': 1,
      'rejected:malformed-json': 1,
      'rejected:not-a-bigcommerce-event': 1,
    });
    await expectDepth(urls.dlq, { visible: 7, hidden: 0 });
    await expectDepth(urls.queue, { visible: 0, hidden: 0 });
  });

  it('counts every message of a 250-message DLQ once in a dry run', async () => {
    // Prepare
    await seed(Array.from({ length: 250 }, () => recordFor('store/category/updated').body));

    // Act
    const report = await redrive(sqs, { ...options, from: urls.dlq, to: urls.queue, dryRun: true });

    // Assess
    expect(report.seen).toBe(250);
    expect(report.byScope).toEqual({ 'store/category/updated': { valid: 250, invalid: 0 } });
    await expectDepth(urls.dlq, { visible: 250, hidden: 0 });
  });

  it('moves only the valid messages, attributes intact, and leaves the invalid ones visible on the DLQ', async () => {
    // Prepare
    const bodies = [
      ...deadLetters(),
      ...Array.from({ length: 19 }, () => recordFor('store/order/created').body),
    ];
    await seed(bodies);

    // Act
    const report = await redrive(sqs, { ...options, from: urls.dlq, to: urls.queue, dryRun: false });
    const moved = await drain(urls.queue);

    // Assess
    expect(report).toMatchObject({ seen: 26, moved: VALID + 19, failed: [] });
    expect(report.byScope['store/order/created']).toEqual({ valid: 21, invalid: 1 });
    expect(seqOf(moved)).toEqual([0, 1, 2, 3, ...Array.from({ length: 19 }, (_, i) => 7 + i)]);
    expect(moved.map((message) => message.Body).sort()).toEqual(
      [...bodies.slice(0, VALID), ...bodies.slice(7)].sort(),
    );
    expect(moved.every((message) => message.MessageAttributes?.origin?.StringValue === 'dead-letter')).toBe(
      true,
    );
    await expectDepth(urls.dlq, { visible: 3, hidden: 0 });
  });

  it('moves the invalid messages too with includeInvalid', async () => {
    // Prepare
    await seed(deadLetters());

    // Act
    const report = await redrive(sqs, {
      ...options,
      from: urls.dlq,
      to: urls.queue,
      dryRun: false,
      includeInvalid: true,
    });

    // Assess
    expect(report).toMatchObject({ seen: 7, moved: 7 });
    expect(seqOf(await drain(urls.queue))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await expectDepth(urls.dlq, { visible: 0, hidden: 0 });
  });

  it('stops after max moved messages and leaves the rest visible on the DLQ', async () => {
    // Prepare
    await seed(Array.from({ length: 30 }, () => recordFor('store/order/created').body));

    // Act
    const report = await redrive(sqs, { ...options, from: urls.dlq, to: urls.queue, dryRun: false, max: 12 });

    // Assess
    expect(report.moved).toBe(12);
    await expectDepth(urls.queue, { visible: 12, hidden: 0 });
    await expectDepth(urls.dlq, { visible: 18, hidden: 0 });
  });

  it('ends after the batch in hand when aborted and leaves every message it read visible again', async () => {
    // Prepare
    await seed(Array.from({ length: 30 }, () => recordFor('store/order/created').body));
    const interrupted = new AbortController();
    let judged = 0;
    const abortingJudge: typeof judge = async (record) => {
      judged += 1;
      if (judged === 3) interrupted.abort();
      return judge(record);
    };

    // Act
    const report = await redrive(sqs, {
      ...options,
      judge: abortingJudge,
      from: urls.dlq,
      to: urls.queue,
      dryRun: true,
      signal: interrupted.signal,
    });

    // Assess
    expect(report.seen).toBe(10);
    await expectDepth(urls.dlq, { visible: 30, hidden: 0 });
  });

  it('moves no faster than perSecond', async () => {
    // Prepare
    await seed(Array.from({ length: 25 }, () => recordFor('store/order/created').body));
    const clock = fakeClock();

    // Act
    const report = await redrive(sqs, {
      ...options,
      from: urls.dlq,
      to: urls.queue,
      dryRun: false,
      perSecond: 5,
      clock,
    });

    // Assess: 5 at 0 s, then 5 more at each of 1, 2, 3 and 4 s
    expect(report.moved).toBe(25);
    expect(clock.now()).toBe(4000);
  });

  it('moves everything with an SQS message move task, attributes intact', async () => {
    // Prepare: the emulator runs a move task on a one-second interval timer
    vi.useFakeTimers({ toFake: ['setInterval'] });
    await seed(deadLetters());
    const clock: Clock = {
      now: () => 0,
      sleep: (ms) => vi.advanceTimersByTimeAsync(ms).then(() => undefined),
    };

    // Act
    const task = await startMoveTask(sqs, { from: names.deadLetterQueue, to: names.queue });
    const result = await waitForMoveTask(sqs, task, { clock });

    // Assess
    expect(result).toMatchObject({ status: 'COMPLETED', moved: 7 });
    vi.useRealTimers(); // the emulator's long poll waits on an interval timer too
    const moved = await drain(urls.queue, 1);
    expect(seqOf(moved)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(moved.every((message) => message.MessageAttributes?.origin?.StringValue === 'dead-letter')).toBe(
      true,
    );
    await expectDepth(urls.dlq, { visible: 0, hidden: 0 });
  });

  const cliEnv = () => ({
    ...process.env,
    AWS_ENDPOINT_URL_SQS: queues.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });

  it('runs as the redrive command through AWS_ENDPOINT_URL_SQS: a dry run, then a move of the valid ones', async () => {
    // Prepare
    await seed(deadLetters());
    const env = cliEnv();

    // Act
    const dry = await run('npx', ['tsx', CLI, '--stage', 'dev', '--dry-run'], { env });
    const real = await run('npx', ['tsx', CLI, '--stage', 'dev'], { env });

    // Assess
    expect(JSON.parse(dry.stdout)).toMatchObject({
      mode: 'receive',
      dryRun: true,
      seen: 7,
      moved: 0,
      byScope: EXPECTED_SCOPES,
    });
    expect(JSON.parse(real.stdout)).toMatchObject({ mode: 'receive', seen: 7, moved: VALID, failed: [] });
    await expectDepth(urls.dlq, { visible: 3, hidden: 0 });
    await expectDepth(urls.queue, { visible: VALID, hidden: 0 });
  });

  it('runs as the redrive command with --all: an SQS move task moves every message, invalid ones included', async () => {
    // Prepare
    await seed(deadLetters());

    // Act
    const { stdout } = await run('npx', ['tsx', CLI, '--stage', 'dev', '--all'], { env: cliEnv() });

    // Assess
    expect(JSON.parse(stdout)).toMatchObject({ mode: 'move-task', status: 'COMPLETED', moved: 7 });
    await expectDepth(urls.dlq, { visible: 0, hidden: 0 });
    expect(seqOf(await drain(urls.queue, 1))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('refuses a --per-second that is not a positive number (with --all: not a whole one up to 500), exit code 2, and touches no queue', async () => {
    // Prepare
    await seed(deadLetters());

    // Act
    // Both at once, each settled before either is asserted: whichever fails first is never unhandled.
    const [refused, refusedTask] = await Promise.allSettled([
      run('npx', ['tsx', CLI, '--stage', 'dev', '--per-second', '0'], { env: cliEnv() }),
      run('npx', ['tsx', CLI, '--all', '--per-second', '2.5'], { env: cliEnv() }),
    ]);

    // Assess
    expect(refused).toMatchObject({
      status: 'rejected',
      reason: { code: 2, stderr: expect.stringContaining('--per-second expects') },
    });
    expect(refusedTask).toMatchObject({
      status: 'rejected',
      reason: { code: 2, stderr: expect.stringContaining('--per-second with --all expects a whole number') },
    });
    await expectDepth(urls.dlq, { visible: 7, hidden: 0 });
  });
});
