import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchReport } from '../../local/event-source-mapping.js';
import { SANDBOX_CLIENT_SECRET } from '../../local/sandbox/https-delivery.js';
import { SANDBOX_STORE, type Stack, startStack } from '../../local/stack.js';
import { until } from '../helpers/until.js';
import { copyWorkTree, type WorkTreeCopy } from '../helpers/work-tree-copy.js';

const STORE = SANDBOX_STORE.storeHash;
const SCOPE = 'store/order/created';

let tree: WorkTreeCopy;
let stack: Stack;
let httpPort: number;
const batches: BatchReport[] = [];
const output: string[] = [];

// One stack for the file: serverless offline takes ~10 s to bundle and start.
beforeAll(async () => {
  tree = copyWorkTree('https-chain-offline');
  stack = await startStack({
    consume: 'serverless-offline',
    ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0, http: 0, lambda: 0 },
    serverlessCwd: tree.dir,
    onBatch: (report) => batches.push(report),
    output: (part, line) => {
      if (part === 'functions') output.push(line);
    },
  });
  httpPort = Number(new URL(stack.offline?.httpUrl ?? '').port);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  tree?.remove();
});

/** The consume function's JSON log lines (Powertools: message, level, the record's keys, the extras). */
const logLines = () =>
  output.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return typeof entry === 'object' && entry !== null ? [entry] : [];
    } catch {
      return [];
    }
  });

/** Every record the event source mapping handed to consume, with whether its batch acknowledged it. */
const records = () =>
  batches.flatMap((batch) =>
    batch.records.map((record) => ({
      body: record.body,
      webhookId: record.messageAttributes['webhook-id']?.stringValue,
      transport: record.messageAttributes.transport?.stringValue,
      acknowledged: batch.error === undefined && !batch.failed.includes(record.messageId),
    })),
  );

/** The request BigCommerce would make for `body`: signed with the sandbox app's secret, now. */
const signed = (webhookId: string, body: string) => {
  const at = new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(Buffer.from(SANDBOX_CLIENT_SECRET).toString('base64')).sign(
      webhookId,
      at,
      body,
    ),
  };
};

describe('Offline stack: a store on the HTTPS transport, end to end (serverless offline)', () => {
  it('runs the handler once for a fired event, refuses a tampered copy with 401 before the queue, and skips a replay', async () => {
    // Prepare: the store provisioned on HTTPS through the provision API
    const provisioned = await fetch(`http://127.0.0.1:${httpPort}/provision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ storeHash: STORE, scopes: [SCOPE], transport: 'https' }),
    });
    const provision = (await provisioned.json()) as { converged?: boolean };
    expect(provisioned.status, JSON.stringify(provision)).toBe(200);
    expect(provision.converged).toBe(true);
    const ingress = `http://127.0.0.1:${httpPort}/webhooks/${STORE}`;

    // Act: BigCommerce (the sandbox) fires an order event to the store's webhook
    const fired = await fetch(`${stack.sandbox.url}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: STORE, scope: SCOPE, id: 6101 }),
    });
    const result = (await fired.json()) as {
      payload: { data: { id: number } };
      https: { status: number; messageId: string; destination: string }[];
    };
    const orderLines = () =>
      logLines().filter((line) => line.message === 'order created' && line.orderId === 6101);
    await until(() => orderLines().length > 0, 30_000);

    // Act: a copy with its data changed after signing, then the genuine payload again (a replay)
    const genuine = JSON.stringify(result.payload);
    const headers = signed('msg_replayed', genuine);
    const tampered = await fetch(ingress, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...result.payload, data: { ...result.payload.data, id: 6102 } }),
    });
    const replayed = await fetch(ingress, { method: 'POST', headers, body: genuine });
    // The replay, queued after the tampered copy was refused, shows when the queue has caught up.
    await until(
      () => records().some((record) => record.webhookId === 'msg_replayed' && record.acknowledged),
      30_000,
    );
    const { QueueUrl } = await stack.sqs.send(new GetQueueUrlCommand({ QueueName: stack.queues.queueName }));
    const { Attributes: left = {} } = await stack.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );

    // Assess: delivered once, by HTTPS, to the ingress; handled once, with the HTTPS context
    expect(result.https.map((attempt) => [attempt.status, attempt.destination])).toEqual([[200, ingress]]);
    const [delivery] = result.https;
    expect(records().filter((record) => record.webhookId === delivery?.messageId)).toEqual([
      { body: genuine, webhookId: delivery?.messageId, transport: 'https', acknowledged: true },
    ]);
    expect(orderLines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        scope: SCOPE,
        storeHash: STORE,
        transport: 'https',
        webhookId: delivery?.messageId,
        fetched: expect.objectContaining({ status: expect.any(String) }),
      }),
    ]);
    expect(orderLines()[0]).not.toHaveProperty('eventBridgeId');
    // Assess: the tampered copy was refused and never queued
    expect(tampered.status).toBe(401);
    expect(records().filter((record) => record.body.includes('6102'))).toEqual([]);
    // Assess: the replay was queued and acknowledged as a duplicate, the handler not run again
    expect(replayed.status).toBe(200);
    expect(
      logLines().filter(
        (line) => line.message === 'duplicate event skipped' && line.webhookId === 'msg_replayed',
      ),
    ).toEqual([expect.objectContaining({ firstMessageId: expect.any(String), transport: 'https' })]);
    expect(left).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  }, 120_000);

  it('answers 200 to a signed payload naming another store, which the consumer rejects into the DLQ as it came', async () => {
    // Prepare: a payload BigCommerce signed for another store, posted to this store's URL
    const body = JSON.stringify({
      scope: SCOPE,
      store_id: '1025646',
      data: { type: 'order', id: 6201 },
      hash: 'a3f9ea420af83450d7ef9f78b08c8af25b221363',
      created_at: Math.floor(Date.now() / 1000),
      producer: 'stores/b3n8w2r6t0',
    });
    const ingress = `http://127.0.0.1:${httpPort}/webhooks/${STORE}`;

    // Act
    const posted = await fetch(ingress, { method: 'POST', headers: signed('msg_other_store', body), body });
    const { QueueUrl } = await stack.sqs.send(new GetQueueUrlCommand({ QueueName: stack.queues.dlqName }));
    const dead: Message[] = [];
    await until(async () => {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      dead.push(...Messages);
      return dead.some((message) => message.Body === body);
    }, 60_000);

    // Assess: BigCommerce got its 200; nothing ran; the body reached the DLQ unchanged, with its attributes
    expect(posted.status).toBe(200);
    const letter = dead.find((message) => message.Body === body);
    expect(letter?.MessageAttributes?.['webhook-id']?.StringValue).toBe('msg_other_store');
    expect(letter?.MessageAttributes?.['store-hash']?.StringValue).toBe(STORE);
    expect(
      logLines().filter(
        (line) =>
          line.message?.toString().startsWith('record rejected') && line.reason === 'producer-mismatch',
      ).length,
    ).toBeGreaterThan(0);
    expect(logLines().filter((line) => line.message === 'order created' && line.orderId === 6201)).toEqual(
      [],
    );
  }, 120_000);
});
