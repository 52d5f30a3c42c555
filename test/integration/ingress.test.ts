import {
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import { HttpsDelivery, ManualScheduler, SANDBOX_CLIENT_SECRET } from '../../local/sandbox/https-delivery.js';
import { type Sandbox, startSandbox } from '../../local/sandbox/server.js';
import { SANDBOX_ACCOUNTS, SANDBOX_STORE_HASHES, SANDBOX_TOKEN } from '../../local/sandbox/stores.js';
import { type LocalSsm, startSsm } from '../../local/ssm.js';
import { ACCOUNT_ID, REGION } from '../../local/stack-config.js';
import { sourceStoreReader } from '../../shared/bigcommerce/envelope.js';
import { INGRESS_ATTRIBUTES } from '../../shared/bigcommerce/ingress-message.js';
import { readEnvelope } from '../../shared/bigcommerce/transport-envelope.js';
import { serveHttpApi } from '../helpers/ingress-http.js';

const STORE = SANDBOX_STORE_HASHES[0];
const SECRET_PARAMETER = '/bigcommerce-webhooks/dev/client-secret';

interface Chain {
  queues: LocalQueues;
  ssm: LocalSsm;
  sandbox: Sandbox;
  delivery: HttpsDelivery;
  scheduler: ManualScheduler;
  ingressUrl: string;
  sqs: SQSClient;
  queueUrl: string;
}

let chain: Chain;
const stops: (() => Promise<void>)[] = [];

/**
 * The HTTPS chain in this process: local SQS and SSM (real protocols), the sandbox delivering on a manual
 * scheduler, and the ingest function's own handler module (config, SSM, SQS client, middy) loaded fresh
 * with the offline stack's variables, behind an HTTP API shim.
 */
const startChain = async (options: { sandboxSecret?: string } = {}): Promise<Chain> => {
  const queues = await startQueues({ port: 0 });
  stops.push(queues.close);
  const ssm = await startSsm();
  stops.push(ssm.close);
  ssm.put(SECRET_PARAMETER, SANDBOX_CLIENT_SECRET);
  for (const [name, value] of Object.entries({
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: queues.url,
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ACCOUNT_ID: ACCOUNT_ID,
    WEBHOOK_QUEUE_NAME: queues.queueName,
    BIGCOMMERCE_CLIENT_SECRET_PARAMETER: SECRET_PARAMETER,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  })) {
    vi.stubEnv(name, value);
  }
  vi.resetModules();
  const { handler } = (await import('../../functions/ingest/handler.js')) as {
    handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  };
  const context = { functionName: 'bigcommerce-webhooks-dev-ingest', awsRequestId: 'test' } as Context;
  const ingress = await serveHttpApi((event) => handler(event, context));
  stops.push(ingress.close);

  // Real time at first: the ingress checks webhook-timestamp against the real clock.
  const scheduler = new ManualScheduler(Date.now());
  const delivery = new HttpsDelivery({
    scheduler,
    ...(options.sandboxSecret && { secretOf: () => options.sandboxSecret }),
  });
  const sandbox = await startSandbox({ accounts: SANDBOX_ACCOUNTS, httpsDelivery: delivery });
  stops.push(sandbox.close);
  const sqs = new SQSClient({
    endpoint: queues.url,
    region: REGION,
    credentials: { accessKeyId: 't', secretAccessKey: 't' },
  });
  stops.push(async () => sqs.destroy());
  const queueUrl = `${queues.url}/${ACCOUNT_ID}/${queues.queueName}`;
  return { queues, ssm, sandbox, delivery, scheduler, ingressUrl: ingress.url, sqs, queueUrl };
};

const subscribe = async (scope = 'store/order/created') => {
  const response = await fetch(`${chain.sandbox.url}/stores/${STORE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': SANDBOX_TOKEN },
    body: JSON.stringify({
      query:
        'mutation($input: CreateHttpsWebhookInput!) { webhook { createHttpsWebhook(input: $input) { webhook { id } } } }',
      variables: { input: { scope, destination: `${chain.ingressUrl}/webhooks/${STORE}` } },
    }),
  });
  expect(response.status).toBe(200);
};

const fire = async (data?: unknown) => {
  const response = await fetch(`${chain.sandbox.url}/__sandbox/fire`, {
    method: 'POST',
    body: JSON.stringify({ storeHash: STORE, scope: 'store/order/created', id: 7, data }),
  });
  return (await response.json()) as { payload: object; https: { status: number; messageId: string }[] };
};

const queued = async (): Promise<Message[]> => {
  const { Messages = [] } = await chain.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: chain.queueUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
      WaitTimeSeconds: 0,
    }),
  );
  return Messages;
};

const depth = async () => {
  const { Attributes } = await chain.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: chain.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
};

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  vi.unstubAllEnvs();
});

describe('Integration: sandbox HTTPS delivery -> ingest -> SQS', () => {
  it('queues a signed delivery as sent, with its transport, webhook-id and store, and the consumer reads it', async () => {
    // Prepare
    chain = await startChain();
    await subscribe();

    // Act
    const result = await fire();
    const messages = await queued();

    // Assess
    expect(result.https.map((attempt) => attempt.status)).toEqual([200]);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(JSON.parse(message?.Body ?? '')).toEqual(result.payload);
    const attributes = message?.MessageAttributes ?? {};
    expect(attributes[INGRESS_ATTRIBUTES.transport]?.StringValue).toBe('https');
    expect(attributes[INGRESS_ATTRIBUTES.webhookId]?.StringValue).toBe(result.https[0]?.messageId);
    expect(attributes[INGRESS_ATTRIBUTES.storeHash]?.StringValue).toBe(STORE);
    const envelope = readEnvelope(
      {
        body: message?.Body ?? '',
        messageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [name, { stringValue: value.StringValue }]),
        ),
      },
      { sourceStoreOf: sourceStoreReader('bigcommerce-webhooks') },
    );
    expect(envelope).toMatchObject({ ok: true, envelope: { transport: 'https', storeHash: STORE } });
    expect(chain.delivery.attempts).toHaveLength(1);
    expect(chain.scheduler.pending).toEqual([]);
  });

  it('refuses a tampered copy of a signed delivery with 401, and it never reaches the queue', async () => {
    // Prepare
    chain = await startChain();
    const body = JSON.stringify({
      scope: 'store/order/created',
      store_id: '1',
      data: { type: 'order', id: 7 },
      hash: 'a'.repeat(40),
      producer: `stores/${STORE}`,
    });
    const at = new Date();
    const signature = new Webhook(Buffer.from(SANDBOX_CLIENT_SECRET).toString('base64')).sign(
      'msg_1',
      at,
      body,
    );
    const headers = {
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    };

    // Act
    const tampered = await fetch(`${chain.ingressUrl}/webhooks/${STORE}`, {
      method: 'POST',
      headers,
      body: body.replace('"id":7', '"id":8'),
    });
    const original = await fetch(`${chain.ingressUrl}/webhooks/${STORE}`, { method: 'POST', headers, body });

    // Assess
    expect(tampered.status).toBe(401);
    expect(original.status).toBe(200);
    const messages = await queued();
    expect(messages.map((message) => message.Body)).toEqual([body]);
  });

  it('refuses deliveries signed with another secret with 401, which the sandbox retries', async () => {
    // Prepare
    chain = await startChain({ sandboxSecret: 'not-the-apps-secret' });
    await subscribe();

    // Act
    const result = await fire();

    // Assess
    expect(result.https.map((attempt) => attempt.status)).toEqual([401]);
    expect(chain.scheduler.pending).toEqual([60_000]);
    expect(await depth()).toBe(0);
  });

  it('answers 503 while SQS refuses the message, and the retry a minute later is queued once', async () => {
    // Prepare
    chain = await startChain();
    await subscribe();
    // A real refusal: the queue's maximum message size below the event's.
    await chain.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: chain.queueUrl, Attributes: { MaximumMessageSize: '1024' } }),
    );

    // Act
    const result = await fire({ type: 'order', id: 7, note: 'x'.repeat(1500) });
    const whileRefused = await depth();
    await chain.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: chain.queueUrl,
        Attributes: { MaximumMessageSize: '262144' },
      }),
    );
    await chain.scheduler.advance(60_000);

    // Assess
    expect(result.https.map((attempt) => attempt.status)).toEqual([503]);
    expect(whileRefused).toBe(0);
    expect(chain.delivery.attempts.map((attempt) => attempt.status)).toEqual([503, 200]);
    const messages = await queued();
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]?.Body ?? '')).toEqual(result.payload);
  });

  it('reads the client secret from SSM once for many deliveries', async () => {
    // Prepare
    chain = await startChain();
    await subscribe();

    // Act
    const results = [await fire(), await fire(), await fire()];

    // Assess
    expect(results.flatMap((result) => result.https.map((attempt) => attempt.status))).toEqual([
      200, 200, 200,
    ]);
    expect(chain.ssm.calls).toEqual([`GetParameter ${SECRET_PARAMETER}`]);
    expect(await depth()).toBe(3);
  });
});
