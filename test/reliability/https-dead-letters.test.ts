import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueUrlCommand,
  type MessageAttributeValue,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import { toMessageAttributes } from '../../shared/aws/message-attributes.js';
import { ingressMessageOf } from '../../shared/bigcommerce/ingress-message.js';
import { samplePayload } from '../../shared/bigcommerce/samples.js';
import type { Clock } from '../../shared/clock.js';
import { capture } from '../../shared/ops/capture.js';
import { CapturedFixtureSchema } from '../../shared/ops/fixture.js';
import { startMoveTask, waitForMoveTask } from '../../shared/ops/move-task.js';
import { queueNamesOf } from '../../shared/ops/queues.js';
import { redrive } from '../../shared/ops/redrive.js';
import { createJudge } from '../../shared/ops/verdict.js';
import { recordFor, STORE_HASH } from '../helpers/records.js';
import { receiveAll } from '../helpers/sqs-receive.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const PREFIX = 'bigcommerce-webhooks-dev';
const OTHER_STORE = 'b3n8w2r6t0';
const judge = createJudge({ eventSourceNamePrefix: PREFIX });

let delivery = 0;
/** What the ingress queues for one delivery of an order event: the raw payload and the ingress attributes. */
const httpsMessage = (options: { vouchedStore?: string } = {}) => {
  delivery += 1;
  const payload = samplePayload({
    scope: 'store/order/created',
    data: { type: 'order', id: 250 + delivery },
    storeHash: STORE_HASH,
    createdAt: 1764290000 + delivery,
  });
  return ingressMessageOf({
    rawBody: JSON.stringify(payload),
    webhookId: `bc/store/webhook/${20000 + delivery}`,
    storeHash: options.vouchedStore ?? STORE_HASH,
  });
};

/** The string attributes of a message as SendMessage took them, to compare with what came back. */
const stringsOf = (attributes: Record<string, MessageAttributeValue> = {}) =>
  Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, value.StringValue]));

describe('Ops: the operator tools read HTTPS dead letters by their attributes (local-aws-sqs)', () => {
  let queues: LocalQueues;
  let sqs: SQSClient;
  let urls: { queue: string; dlq: string };
  const names = queueNamesOf('dev');

  const urlOf = async (name: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
  const drain = (url: string, waitTimeSeconds = 0) => receiveAll(sqs, url, waitTimeSeconds);
  const put = (
    url: string,
    message: { MessageBody: string; MessageAttributes?: Record<string, MessageAttributeValue> },
  ) => sqs.send(new SendMessageCommand({ QueueUrl: url, ...message }));

  /** One valid HTTPS dead letter, one HTTPS one posted to another store's URL, one valid EventBridge one. */
  const seedMixed = async () => {
    const valid = httpsMessage();
    const foreign = httpsMessage({ vouchedStore: OTHER_STORE });
    const eventBridge = { MessageBody: recordFor('store/order/created').body };
    for (const message of [valid, foreign, eventBridge]) await put(urls.dlq, message);
    return { valid, foreign, eventBridge };
  };

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

  it('counts a valid HTTPS dead letter as valid in a dry run, beside an EventBridge one, and one for another store as invalid', async () => {
    // Prepare
    await seedMixed();

    // Act
    const report = await redrive(sqs, {
      judge,
      waitTimeSeconds: 0,
      from: names.deadLetterQueue,
      to: names.queue,
      dryRun: true,
    });

    // Assess
    expect(report).toMatchObject({ seen: 3, moved: 0, failed: [] });
    expect(report.byScope).toEqual({ 'store/order/created': { valid: 2, invalid: 1 } });
    expect(report.byVerdict).toEqual({ handled: 2, 'rejected:producer-mismatch': 1 });
    expect(await drain(urls.queue)).toEqual([]);
  });

  it('moves the valid HTTPS and EventBridge dead letters with their attributes, and leaves the invalid one on the DLQ', async () => {
    // Prepare
    const { valid, foreign, eventBridge } = await seedMixed();

    // Act
    const report = await redrive(sqs, {
      judge,
      waitTimeSeconds: 0,
      from: urls.dlq,
      to: urls.queue,
      dryRun: false,
    });
    const moved = await drain(urls.queue);

    // Assess
    expect(report).toMatchObject({ seen: 3, moved: 2, failed: [] });
    const byBody = new Map(moved.map((message) => [message.Body, message]));
    expect([...byBody.keys()].sort()).toEqual([valid.MessageBody, eventBridge.MessageBody].sort());
    expect(stringsOf(byBody.get(valid.MessageBody)?.MessageAttributes)).toEqual(
      stringsOf(valid.MessageAttributes),
    );
    expect(byBody.get(eventBridge.MessageBody)?.MessageAttributes).toBeUndefined();
    // The consumer reads the moved HTTPS message by the attributes that came along, and handles it.
    const httpsMoved = byBody.get(valid.MessageBody);
    const { consumer } = await judge({
      messageId: httpsMoved?.MessageId ?? '',
      body: httpsMoved?.Body ?? '',
      messageAttributes: toMessageAttributes(httpsMoved?.MessageAttributes),
    });
    expect(consumer).toMatchObject({ accepted: true, outcome: 'handled' });
    const left = await drain(urls.dlq);
    expect(left.map((message) => message.Body)).toEqual([foreign.MessageBody]);
    expect(stringsOf(left[0]?.MessageAttributes)).toEqual(stringsOf(foreign.MessageAttributes));
  });

  it('keeps the ingress attributes on an HTTPS dead letter moved by an SQS message move task', async () => {
    // Prepare: the emulator runs a move task on a one-second interval timer
    vi.useFakeTimers({ toFake: ['setInterval'] });
    const valid = httpsMessage();
    await put(urls.dlq, valid);
    const clock: Clock = {
      now: () => 0,
      sleep: (ms) => vi.advanceTimersByTimeAsync(ms).then(() => undefined),
    };

    // Act
    const task = await startMoveTask(sqs, { from: names.deadLetterQueue, to: names.queue });
    const result = await waitForMoveTask(sqs, task, { clock });

    // Assess
    expect(result).toMatchObject({ status: 'COMPLETED', moved: 1 });
    vi.useRealTimers(); // the emulator's long poll waits on an interval timer too
    const [moved] = await drain(urls.queue, 1);
    expect(moved?.Body).toBe(valid.MessageBody);
    expect(stringsOf(moved?.MessageAttributes)).toEqual(stringsOf(valid.MessageAttributes));
  });

  describe('capture', () => {
    let out: string;
    beforeEach(async () => {
      out = await mkdtemp(join(tmpdir(), 'capture-https-'));
    });
    afterEach(async () => {
      await rm(out, { recursive: true, force: true });
    });

    const captured = async () => {
      const files = (await readdir(out)).sort();
      return Promise.all(
        files.map(async (file) => {
          const text = await readFile(join(out, file), 'utf8');
          return { text, fixture: CapturedFixtureSchema.parse(JSON.parse(text)) };
        }),
      );
    };

    it('judges an HTTPS message, redacted and as received, with its attributes: handled, the store hash redacted', async () => {
      // Prepare
      await put(urls.queue, httpsMessage());

      // Act
      const report = await capture(sqs, {
        queue: names.queue,
        from: 'queue',
        max: 10,
        outDir: out,
        eventSourceNamePrefix: PREFIX,
        waitTimeSeconds: 0,
      });

      // Assess
      expect(report.captured).toHaveLength(1);
      const [entry] = report.captured;
      expect(entry?.verdict.consumer).toMatchObject({ accepted: true, outcome: 'handled' });
      expect(entry?.verdictBeforeRedaction).toBeUndefined();
      const [file] = await captured();
      expect(file?.text).not.toContain(STORE_HASH);
      expect(file?.text).not.toContain('bc/store/webhook/');
      const attributes = file?.fixture.message.messageAttributes ?? {};
      expect(attributes.transport?.StringValue).toBe('https');
      expect(attributes['store-hash']?.StringValue).toMatch(/^s\d+$/);
    });

    it('redacts the store and delivery of an HTTPS message whose body is not JSON, named only in its attributes', async () => {
      // Prepare: a body cut short, so nothing in it names the store
      const { MessageAttributes } = httpsMessage();
      await put(urls.dlq, { MessageBody: '{"scope": "store/order/cre', MessageAttributes });

      // Act
      const report = await capture(sqs, {
        queue: names.deadLetterQueue,
        from: 'dlq',
        max: 10,
        outDir: out,
        eventSourceNamePrefix: PREFIX,
        waitTimeSeconds: 0,
      });

      // Assess
      expect(report.captured[0]?.verdict.consumer).toMatchObject({
        accepted: false,
        reason: 'malformed-json',
      });
      const [file] = await captured();
      expect(file?.text).not.toContain(STORE_HASH);
      expect(file?.text).not.toContain(MessageAttributes['webhook-id'].StringValue);
      expect(file?.fixture.message.messageAttributes['store-hash']?.StringValue).toMatch(/^s\d+$/);
    });

    it('says an HTTPS message posted to another store is a producer mismatch, redacted and as received', async () => {
      // Prepare
      await put(urls.dlq, httpsMessage({ vouchedStore: OTHER_STORE }));

      // Act
      const report = await capture(sqs, {
        queue: names.deadLetterQueue,
        from: 'dlq',
        max: 10,
        outDir: out,
        eventSourceNamePrefix: PREFIX,
        waitTimeSeconds: 0,
      });

      // Assess
      const [entry] = report.captured;
      expect(entry?.verdict.consumer).toMatchObject({ accepted: false, reason: 'producer-mismatch' });
      expect(entry?.verdictBeforeRedaction).toBeUndefined();
      const [file] = await captured();
      expect(file?.text).not.toContain(OTHER_STORE);
    });
  });
});
