import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HttpsDelivery,
  ManualScheduler,
  RETRY_DELAYS_SECONDS,
  SANDBOX_CLIENT_SECRET,
} from '../../../local/sandbox/https-delivery.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import {
  SANDBOX_ACCOUNTS,
  SANDBOX_CLIENT_ID,
  SANDBOX_STORE_HASHES,
  SANDBOX_TOKEN,
} from '../../../local/sandbox/stores.js';

const STORE = SANDBOX_STORE_HASHES[0];
const OTHER_STORE = SANDBOX_STORE_HASHES[1];

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A destination answering each POST with the next status of `statuses` (the last one repeats). */
const destination = async (statuses: number[]) => {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(statuses[Math.min(received.length, statuses.length) - 1] ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${STORE}`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A sandbox with no partner event publisher (as `npm run sandbox -- serve` runs it), retrying by hand. */
const sandboxWith = async () => {
  const scheduler = new ManualScheduler();
  const delivery = new HttpsDelivery({ scheduler });
  const sandbox: Sandbox = await startSandbox({ accounts: SANDBOX_ACCOUNTS, httpsDelivery: delivery });
  stops.push(sandbox.close);
  return { sandbox, scheduler, delivery };
};

const graphql = async (sandbox: Sandbox, query: string, variables: object = {}, store: string = STORE) => {
  const response = await fetch(`${sandbox.url}/stores/${store}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': SANDBOX_TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields its own document selected
  return (await response.json()) as { data?: any; errors?: unknown[] };
};

const CREATE = `mutation($input: CreateHttpsWebhookInput!) { webhook { createHttpsWebhook(input: $input) {
  webhook { id scope destination status isActive createdAt } errors { __typename ... on Error { message } } } } }`;

const createHook = (sandbox: Sandbox, input: object, store: string = STORE) =>
  graphql(sandbox, CREATE, { input }, store);

const fire = async (sandbox: Sandbox, scope = 'store/order/created') => {
  const response = await fetch(`${sandbox.url}/__sandbox/fire`, {
    method: 'POST',
    body: JSON.stringify({ storeHash: STORE, scope, id: 7 }),
  });
  return (await response.json()) as { payload: object; https: { status: number; messageId: string }[] };
};

describe('Sandbox: its HTTPS delivery', () => {
  it('uses the delivery it was given, and exposes it as sandbox.https', async () => {
    // Prepare
    const { sandbox, delivery } = await sandboxWith();
    const target = await destination([200]);
    stops.push(target.close);
    await createHook(sandbox, { scope: 'store/order/created', destination: target.url });

    // Act
    const result = await fire(sandbox);

    // Assess
    expect(sandbox.https).toBe(delivery);
    expect(result.https.map((attempt) => attempt.status)).toEqual([200]);
    expect(delivery.attempts.map((attempt) => attempt.destination)).toEqual([target.url]);
  });

  it('fires to HTTPS webhooks without a partner event publisher, and answers 501 only when an EventBridge webhook matches', async () => {
    // Prepare
    const { sandbox } = await sandboxWith();
    const now = new Date().toISOString();
    sandbox.state.webhooks.push({
      id: sandbox.state.newId(),
      storeHash: OTHER_STORE,
      clientId: SANDBOX_CLIENT_ID,
      scope: 'store/order/created',
      destination: `arn:aws:events:us-east-1::event-source/aws.partner/bigcommerce.com/sandbox/bigcommerce-webhooks-${OTHER_STORE}`,
      isActive: true,
      createdAt: now,
      updatedAt: now,
    });

    // Act
    const https = await fetch(`${sandbox.url}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: STORE, scope: 'store/order/created', id: 7 }),
    });
    const eventBridge = await fetch(`${sandbox.url}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: OTHER_STORE, scope: 'store/order/created', id: 7 }),
    });

    // Assess
    expect(https.status).toBe(200);
    expect(eventBridge.status).toBe(501);
    expect(await eventBridge.json()).toEqual({
      title: 'no partner event publisher: 1 EventBridge webhook(s) matched and cannot be delivered',
    });
  });
});

describe('Sandbox: HTTPS webhooks', () => {
  it('creates an HTTPS webhook with the documented selection and lists it as an HttpsWebhook', async () => {
    // Prepare
    const { sandbox } = await sandboxWith();

    // Act
    const created = await createHook(sandbox, {
      scope: 'store/order/created',
      destination: 'https://app.example.com/webhooks/k7q2m9x4p1',
    });
    const listed = await graphql(
      sandbox,
      '{ store { webhooks(first: 10) { edges { node { __typename id scope ... on HttpsWebhook { destination } } } } } }',
    );

    // Assess
    const webhook = created.data.webhook.createHttpsWebhook.webhook;
    expect(webhook).toMatchObject({
      scope: 'store/order/created',
      destination: 'https://app.example.com/webhooks/k7q2m9x4p1',
      status: 'ACTIVE',
      isActive: true,
    });
    expect(webhook.id).toMatch(/^bc\/store\/webhook\/\d+$/);
    expect(listed.data.store.webhooks.edges).toEqual([
      {
        node: {
          __typename: 'HttpsWebhook',
          id: webhook.id,
          scope: 'store/order/created',
          destination: 'https://app.example.com/webhooks/k7q2m9x4p1',
        },
      },
    ]);
  });

  it.each([
    ['https://app.example.com:8443/hooks', 'port 443'],
    ['http://app.example.com/hooks', 'https URL'],
    ['not a url', 'not a URL'],
  ])('refuses the destination %s as BigCommerce does', async (url, message) => {
    // Prepare
    const { sandbox } = await sandboxWith();

    // Act
    const created = await createHook(sandbox, { scope: 'store/order/created', destination: url });

    // Assess
    expect(created.data.webhook.createHttpsWebhook.webhook).toBeNull();
    expect(JSON.stringify(created.data.webhook.createHttpsWebhook.errors)).toContain(message);
  });

  it("POSTs a fired event signed with the app's secret, the Standard Webhooks way, with the webhook's headers", async () => {
    // Prepare
    const { sandbox, scheduler } = await sandboxWith();
    const target = await destination([200]);
    stops.push(target.close);
    await createHook(sandbox, {
      scope: 'store/order/*',
      destination: target.url,
      headers: [{ key: 'X-Custom', value: 'abc' }],
    });

    // Act
    const result = await fire(sandbox);

    // Assess
    expect(result.https).toHaveLength(1);
    expect(result.https[0]?.status).toBe(200);
    const [request] = target.received;
    expect(JSON.parse(request?.body ?? '')).toEqual(result.payload);
    expect(request?.headers['x-custom']).toBe('abc');
    expect(request?.headers['webhook-timestamp']).toBe(String(scheduler.now() / 1000));
    const verifier = new Webhook(Buffer.from(SANDBOX_CLIENT_SECRET).toString('base64'));
    const at = new Date(scheduler.now());
    expect(verifier.sign(String(request?.headers['webhook-id']), at, request?.body ?? '')).toBe(
      request?.headers['webhook-signature'],
    );
    expect(scheduler.pending).toEqual([]);
  });

  it('sends no HTTPS delivery to a webhook of another scope, another store or an inactive one', async () => {
    // Prepare
    const { sandbox } = await sandboxWith();
    const target = await destination([200]);
    stops.push(target.close);
    await createHook(sandbox, { scope: 'store/product/updated', destination: target.url });
    const other = await createHook(
      sandbox,
      { scope: 'store/order/created', destination: `${target.url}?other-store` },
      OTHER_STORE,
    );
    await createHook(sandbox, {
      scope: 'store/order/created',
      destination: `${target.url}?inactive`,
      isActive: false,
    });

    // Act
    const result = await fire(sandbox, 'store/order/created');

    // Assess
    expect(other.data.webhook.createHttpsWebhook.webhook.isActive).toBe(true);
    expect(result.https).toEqual([]);
    expect(target.received).toEqual([]);
  });

  it("retries a non-2xx delivery on BigCommerce's schedule, with the same webhook-id and a fresh signature", async () => {
    // Prepare
    const { sandbox, scheduler, delivery } = await sandboxWith();
    const target = await destination([503, 500, 200]);
    stops.push(target.close);
    await createHook(sandbox, { scope: 'store/order/created', destination: target.url });

    // Act
    const result = await fire(sandbox);
    const afterFirst = scheduler.pending;
    await scheduler.advance(59_000);
    const before60s = target.received.length;
    await scheduler.advance(1_000);
    await scheduler.advance(180_000);

    // Assess
    expect(result.https[0]?.status).toBe(503);
    expect(afterFirst).toEqual([60_000]);
    expect(before60s).toBe(1);
    expect(delivery.attempts.map((attempt) => [attempt.attempt, attempt.status])).toEqual([
      [1, 503],
      [2, 500],
      [3, 200],
    ]);
    const ids = new Set(target.received.map((request) => request.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const timestamps = target.received.map((request) => Number(request.headers['webhook-timestamp']));
    const [first = 0, second = 0, third = 0] = timestamps;
    expect([second - first, third - second]).toEqual([60, 180]);
    expect(scheduler.pending).toEqual([]);
  });

  it('deactivates the webhook after the last retry fails, about 48 hours on', async () => {
    // Prepare
    const { sandbox, scheduler, delivery } = await sandboxWith();
    const target = await destination([500]);
    stops.push(target.close);
    await createHook(sandbox, { scope: 'store/order/created', destination: target.url });
    const start = scheduler.now();

    // Act
    await fire(sandbox);
    await scheduler.advance(49 * 3600_000);

    // Assess
    expect(delivery.attempts).toHaveLength(RETRY_DELAYS_SECONDS.length + 1);
    const gaps = delivery.attempts
      .slice(1)
      .map((attempt, index) => (attempt.at - (delivery.attempts[index]?.at ?? 0)) / 1000);
    expect(gaps).toEqual([...RETRY_DELAYS_SECONDS]);
    expect((delivery.attempts.at(-1)?.at ?? 0) - start).toBe(
      RETRY_DELAYS_SECONDS.reduce((sum, s) => sum + s, 0) * 1000,
    );
    expect(sandbox.state.webhooks[0]?.isActive).toBe(false);
    expect(scheduler.pending).toEqual([]);
  });

  it('retries a destination that does not answer, and stops retrying once the webhook is deleted', async () => {
    // Prepare
    const { sandbox, scheduler, delivery } = await sandboxWith();
    const target = await destination([200]);
    await target.close();
    const created = await createHook(sandbox, { scope: 'store/order/created', destination: target.url });

    // Act
    const result = await fire(sandbox);
    const scheduled = scheduler.pending;
    await graphql(sandbox, 'mutation($id: ID!) { webhook { deleteWebhook(id: $id) { id } } }', {
      id: created.data.webhook.createHttpsWebhook.webhook.id,
    });
    await scheduler.advance(60_000);

    // Assess
    expect(result.https[0]?.status).toBe(0);
    expect(scheduled).toEqual([60_000]);
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]?.error).toBeTruthy();
    expect(scheduler.pending).toEqual([]);
  });
});
