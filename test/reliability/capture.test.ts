import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import { samplePayload } from '../../shared/bigcommerce/samples.js';
import { capture } from '../../shared/ops/capture.js';
import { type CapturedFixture, CapturedFixtureSchema } from '../../shared/ops/fixture.js';
import { queueNamesOf } from '../../shared/ops/queues.js';
import { receiveAll } from '../helpers/sqs-receive.js';

const run = promisify(execFile);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const PREFIX = 'bigcommerce-webhooks-dev';
const STORE = 'k7q2m9x4p1';
const OTHER_STORE = 'b3n8w2r6t0';
const ACCOUNT = '210987654321';
const CLIENT_ID = '4yk6pb824t53hirbuz5akdr652lpjb2';
const STORE_ID = '1025646';
const ORDER_ID = 918273;
const CART_ID = 'd2f1c3a4-5b6e-4f70-8a91-b2c3d4e5f607';

/** The part of a captured EventBridge event these tests read. */
interface CapturedEvent {
  source: string;
  account: string;
  detail: { scope: string; producer: string; hash: string; data: Record<string, unknown> };
}

const must = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('expected a value');
  return value;
};

const sourceOf = (store: string) => `aws.partner/bigcommerce.com/test/${CLIENT_ID}/${PREFIX}-${store}`;

/** The body EventBridge gives the queue for an event of `scope` on `store`'s source, as a string and parsed. */
const eventBody = (options: { scope?: string; data?: unknown; store?: string; createdAt?: number } = {}) => {
  const store = options.store ?? STORE;
  const event = {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'bigCommerceWebhook',
    source: sourceOf(store),
    account: ACCOUNT,
    time: '2026-11-28T10:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${sourceOf(store)}`],
    detail: samplePayload({
      scope: options.scope ?? 'store/order/created',
      data: options.data ?? { type: 'order', id: ORDER_ID },
      storeHash: store,
      storeId: STORE_ID,
      createdAt: options.createdAt ?? 1764290000,
    }),
  };
  return { body: JSON.stringify(event), event };
};

describe('Ops: capture events without consuming them (local-aws-sqs)', () => {
  let queues: LocalQueues;
  let sqs: SQSClient;
  let urls: { queue: string; dlq: string };
  let out: string;
  const names = queueNamesOf('dev');

  const urlOf = async (name: string) =>
    (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';
  const send = async (url: string, body: string) =>
    (await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }))).MessageId ?? '';
  /** Everything visible on a queue now, received once (and so hidden from then on). */
  const receiveVisible = (url: string) => receiveAll(sqs, url);
  const fixtures = async (): Promise<{ file: string; text: string; fixture: CapturedFixture }[]> => {
    const files = (await readdir(out)).filter((file) => file.endsWith('.json')).sort();
    return Promise.all(
      files.map(async (file) => {
        const text = await readFile(join(out, file), 'utf8');
        return { file, text, fixture: CapturedFixtureSchema.parse(JSON.parse(text)) };
      }),
    );
  };
  const env = () => ({
    ...process.env,
    AWS_ENDPOINT_URL_SQS: queues.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
  const captureWith = (options: { max?: number; queue?: string } = {}) =>
    capture(sqs, {
      queue: options.queue ?? names.queue,
      from: 'queue',
      max: options.max ?? 10,
      outDir: out,
      eventSourceNamePrefix: PREFIX,
      waitTimeSeconds: 0,
    });

  beforeEach(async () => {
    queues = await startQueues();
    sqs = new SQSClient({ region: 'us-east-1', endpoint: queues.url, credentials });
    urls = { queue: await urlOf(names.queue), dlq: await urlOf(names.deadLetterQueue) };
    out = await mkdtemp(join(tmpdir(), 'capture-'));
  });

  afterEach(async () => {
    sqs.destroy();
    await queues.close();
    await rm(out, { recursive: true, force: true });
  });

  it('leaves every message on the queue, visible at once, with its body unchanged', async () => {
    // Prepare
    const bodies = [eventBody().body, eventBody({ scope: 'store/category/updated' }).body, '{"truncated": '];
    for (const body of bodies) await send(urls.queue, body);

    // Act
    const report = await captureWith();
    const after = await receiveVisible(urls.queue);

    // Assess
    expect(report.captured).toHaveLength(3);
    expect(report.unreleased).toEqual([]);
    expect(after.map((message) => message.Body).sort()).toEqual([...bodies].sort());
    expect(await fixtures()).toHaveLength(3);
  });

  it('writes no identifying value, and gives each the same placeholder in every file', async () => {
    // Prepare: two events of one order of one store, and one event of another store.
    const first = eventBody({ createdAt: 1764290001 });
    const second = eventBody({
      scope: 'store/cart/converted',
      data: { type: 'cart', id: CART_ID, orderId: ORDER_ID },
    });
    const other = eventBody({ store: OTHER_STORE, createdAt: 1764290003 });
    const messageIds = [
      await send(urls.queue, first.body),
      await send(urls.queue, second.body),
      await send(urls.queue, other.body),
    ];

    // Act
    await captureWith();
    const written = await fixtures();

    // Assess: nothing identifying anywhere in the files.
    const identifying = [
      STORE,
      OTHER_STORE,
      ACCOUNT,
      CLIENT_ID,
      STORE_ID,
      CART_ID,
      ...messageIds,
      ...[first, second, other].flatMap(({ event }) => [event.id, event.detail.hash]),
    ];
    for (const { file, text } of written) {
      for (const value of identifying) expect(text.toLowerCase(), `${value} in ${file}`).not.toContain(value);
    }
    // Consistency: the same value is the same placeholder across files, different values differ.
    const bodies = written.map(({ fixture }) => (fixture.message.body as { json: CapturedEvent }).json);
    const cart = must(bodies.find((body) => body.detail.scope === 'store/cart/converted'));
    const order = must(
      bodies.find(
        (body) =>
          body.detail.scope === 'store/order/created' && body.detail.producer === cart.detail.producer,
      ),
    );
    expect(order.detail.data).toEqual({ type: 'order', id: expect.any(Number) });
    expect(order.detail.data.id).not.toBe(ORDER_ID);
    expect(cart.detail.data.orderId).toBe(order.detail.data.id);
    expect(new Set(bodies.map((body) => body.detail.producer)).size).toBe(2);
    expect(order.account).toMatch(/^\d{12}$/);
    expect(cart.account).toBe(order.account);
    expect(order.detail.producer).toMatch(/^stores\/[a-z0-9]{10}$/);
    expect(order.detail.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(order.source.endsWith(`${PREFIX}-${order.detail.producer.slice('stores/'.length)}`)).toBe(true);
    // Each redacted event still gets its original verdict: accepted, its source and producer one store.
    expect(written.map(({ fixture }) => fixture.verdict.catalog.outcome)).toEqual([
      'handled',
      'handled',
      'handled',
    ]);
    expect(written.every(({ fixture }) => fixture.verdictBeforeRedaction === undefined)).toBe(true);
  });

  it('stops after --max messages', async () => {
    // Prepare
    for (let n = 0; n < 7; n += 1) await send(urls.queue, eventBody({ createdAt: 1764290000 + n }).body);

    // Act
    const report = await captureWith({ max: 3 });

    // Assess
    expect(report.captured).toHaveLength(3);
    expect(await fixtures()).toHaveLength(3);
    expect(await receiveVisible(urls.queue)).toHaveLength(7);
  });

  it('runs as `npm run capture`, printing a verdict for an accepted event, a schema violation and a non-JSON body', async () => {
    // Prepare
    await send(urls.queue, eventBody().body);
    await send(
      urls.queue,
      eventBody({ data: { type: 'order', id: 'not-a-number' }, createdAt: 1764290009 }).body,
    );
    await send(urls.queue, '{"truncated": ');

    // Act
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'capture', '--', '--stage', 'dev', '--out', out],
      {
        env: env(),
      },
    );

    // Assess
    const verdicts = stdout
      .split('\n')
      .filter((line) => /^\d+\. /.test(line))
      .map((line) => line.replace(/^\d+\. /, ''));
    expect(verdicts.sort()).toEqual([
      expect.stringMatching(/^REJECTED \(malformed-json\): /),
      expect.stringMatching(/^REJECTED \(schema-violation\): id: /),
      'accepted: store/order/created, for handler store/order/created',
    ]);
    expect(stdout).toContain('Captured 3 message(s) from bigcommerce-webhooks-dev-events (the queue)');
    expect(stdout).not.toContain(STORE);
    const written = await fixtures();
    expect(written.map(({ fixture }) => [fixture.origin, fixture.from])).toEqual([
      ['sandbox', 'queue'],
      ['sandbox', 'queue'],
      ['sandbox', 'queue'],
    ]);
    expect(written.find(({ file }) => file.endsWith('-not-json.json'))?.fixture.message.body).toEqual({
      text: '{"truncated": ',
    });
    expect(await receiveVisible(urls.queue)).toHaveLength(3);
  });

  it('reads the DLQ with --from dlq and leaves the queue alone', async () => {
    // Prepare
    await send(urls.dlq, eventBody({ store: OTHER_STORE }).body);
    await send(urls.queue, eventBody().body);

    // Act
    const { stdout } = await run(
      'npm',
      ['run', '--silent', 'capture', '--', '--from', 'dlq', '--max', '5', '--out', out],
      { env: env() },
    );

    // Assess
    expect(stdout).toContain(
      'Captured 1 message(s) from bigcommerce-webhooks-dev-events-dlq (the dead-letter queue)',
    );
    const written = await fixtures();
    expect(written.map(({ fixture }) => [fixture.from, fixture.queueName])).toEqual([
      ['dlq', 'bigcommerce-webhooks-dev-events-dlq'],
    ]);
    expect(await receiveVisible(urls.dlq)).toHaveLength(1);
    expect(await receiveVisible(urls.queue)).toHaveLength(1);
  });
});
