import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchReport } from '../../local/event-source-mapping.js';
import {
  configureHttpsDelivery,
  ManualScheduler,
  SANDBOX_CLIENT_SECRET,
} from '../../local/sandbox/https-delivery.js';
import { SANDBOX_TOKEN } from '../../local/sandbox/stores.js';
import { SANDBOX_STORE, type Stack, startStack } from '../../local/stack.js';
import { until } from '../helpers/until.js';
import { copyWorkTree, type WorkTreeCopy } from '../helpers/work-tree-copy.js';

const STORE = SANDBOX_STORE.storeHash;

let tree: WorkTreeCopy;
let stack: Stack;
const batches: BatchReport[] = [];
const output: string[] = [];

// One stack for the file: serverless offline takes ~10 s to bundle and start. Each test fires its own event.
beforeAll(async () => {
  tree = copyWorkTree('ingress-offline');
  stack = await startStack({
    consume: 'serverless-offline',
    ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0, http: 0, lambda: 0 },
    serverlessCwd: tree.dir,
    onBatch: (report) => batches.push(report),
    output: (_part, line) => output.push(line),
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  tree?.remove();
});

const ingressUrl = () => `${stack.offline?.httpUrl}/webhooks/${STORE}`;
const bodies = () => batches.flatMap((batch) => batch.records.map((record) => record.body));

describe('Offline stack: BigCommerce HTTPS webhooks through serverless offline', () => {
  it('delivers a fired event, signed, to the ingest function, which queues it as sent', async () => {
    // Prepare
    const scheduler = new ManualScheduler(Date.now());
    const delivery = configureHttpsDelivery(stack.sandbox.state, { scheduler });
    const created = await fetch(`${stack.sandbox.url}/stores/${STORE}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': SANDBOX_TOKEN },
      body: JSON.stringify({
        query:
          'mutation($input: CreateHttpsWebhookInput!) { webhook { createHttpsWebhook(input: $input) { webhook { id } } } }',
        variables: { input: { scope: 'store/order/created', destination: ingressUrl() } },
      }),
    });
    expect(created.status).toBe(200);

    // Act
    const fired = await fetch(`${stack.sandbox.url}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: STORE, scope: 'store/order/created', id: 4101 }),
    });
    const result = (await fired.json()) as { payload: object; https: { status: number }[] };
    await until(() => bodies().some((body) => body.includes('4101')), 30_000);

    // Assess
    expect(
      result.https.map((attempt) => attempt.status),
      output.slice(-20).join('\n'),
    ).toEqual([200]);
    expect(delivery.attempts).toHaveLength(1);
    const body = bodies().find((candidate) => candidate.includes('4101'));
    expect(JSON.parse(body ?? '')).toEqual(result.payload);
  }, 60_000);

  it('refuses a tampered copy with 401, and it never reaches the queue', async () => {
    // Prepare
    const body = JSON.stringify({
      scope: 'store/order/created',
      store_id: '1',
      data: { type: 'order', id: 4202 },
      hash: 'b'.repeat(40),
      producer: `stores/${STORE}`,
    });
    const at = new Date();
    const headers = {
      'content-type': 'application/json',
      'webhook-id': 'msg_tampered',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(Buffer.from(SANDBOX_CLIENT_SECRET).toString('base64')).sign(
        'msg_tampered',
        at,
        body,
      ),
    };

    // Act
    const tampered = await fetch(ingressUrl(), {
      method: 'POST',
      headers,
      body: body.replace('4202', '4203'),
    });
    // The genuine copy, sent after it, shows when the queue has caught up.
    const genuine = await fetch(ingressUrl(), { method: 'POST', headers, body });
    await until(() => bodies().some((candidate) => candidate.includes('4202')), 30_000);

    // Assess
    expect(tampered.status).toBe(401);
    expect(genuine.status).toBe(200);
    expect(bodies().filter((candidate) => candidate.includes('4203'))).toEqual([]);
  }, 60_000);
});
