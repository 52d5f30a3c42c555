import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFor } from '../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../functions/consume/lambda.js';
import { createProvisionApi } from '../../functions/provision/api.js';
import { createProvisionApiDeps } from '../../functions/provision/deps.js';
import { SANDBOX_STORE, type Stack, startStack } from '../../local/stack.js';
import { loadProvisionConfig } from '../../shared/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { keyed, logger } from '../../shared/logger.js';
import { fakeContext } from '../helpers/context.js';
import { loadEvent } from '../helpers/load-event.js';
import { until } from '../helpers/until.js';

/**
 * The whole chain on 127.0.0.1: the provision API and the consume handler (the same code as in Lambda,
 * pointed at the stack through the standard AWS_ENDPOINT_URL_* variables), the EventBridge emulator,
 * local-aws-sqs, dynalite and the BigCommerce sandbox, all over real HTTP.
 */
describe('Offline stack: the whole chain', () => {
  let stack: Stack;
  const categories: EventFor<'store/category/updated'>[] = [];
  const orders: number[] = [];
  let provisionApi: ReturnType<typeof createProvisionApi>;

  const request = async (method: string, path: string, body?: unknown) => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    const routeKey = path === '/provision' ? `${method} /provision` : `${method} /provision/{storeHash}`;
    const response = await provisionApi(
      {
        ...event,
        routeKey,
        rawPath: path,
        pathParameters: path === '/provision' ? undefined : { storeHash: SANDBOX_STORE.storeHash },
        body: body === undefined ? undefined : JSON.stringify(body),
        requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } },
      },
      fakeContext('bigcommerce-webhooks-dev-provision'),
    );
    return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') };
  };
  const fire = async (scope: string, data?: unknown) => {
    // EventBridge applies new rules and targets after a short while: fire once they are in effect.
    await stack.eventBridge.settled();
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: SANDBOX_STORE.storeHash, scope, data }),
    });
    return (await response.json()) as { delivered: { eventId: string }[] };
  };

  beforeAll(async () => {
    let consume: ReturnType<typeof createConsumeHandler> | undefined;
    stack = await startStack({
      ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0 },
      visibilityTimeoutSeconds: 1,
      consume: (event) => {
        if (!consume) throw new Error('consumer not ready');
        return consume(event, fakeContext());
      },
    });
    Object.assign(process.env, stack.env, {
      WEBHOOK_QUEUE_NAME: stack.queues.queueName,
      WEBHOOK_DLQ_NAME: stack.queues.dlqName,
      EVENT_SOURCE_WAIT_MS: '5000',
    });
    consume = createConsumeHandler({
      handlers: {
        'store/category/updated': (event) => {
          categories.push(event);
        },
        'store/order/created': (event) => {
          orders.push(event.data.id);
        },
      },
      dedupe: createIdempotentDedupe({
        dynamo: stack.dynamo.http,
        tableName: stack.env.DEDUPE_TABLE_NAME ?? '',
        windowSeconds: 3600,
      }),
    });
    provisionApi = createProvisionApi(
      createProvisionApiDeps(
        loadProvisionConfig(),
        { 'store/category/updated': () => undefined, 'store/order/created': () => undefined },
        keyed(logger),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('provisions the store, and a fired event reaches its handler typed for its scope', async () => {
    // Act
    const provisioned = await request('POST', '/provision', { storeHash: SANDBOX_STORE.storeHash });
    const fired = await fire('store/category/updated', { type: 'category', id: 42 });

    // Assess
    expect(provisioned.status).toBe(200);
    expect(provisioned.body.entries.map((entry: { action: string }) => entry.action)).toEqual(
      Array(6).fill('created'),
    );
    expect(fired.delivered).toHaveLength(1);
    await until(() => categories.length === 1);
    expect(categories[0]).toMatchObject({
      scope: 'store/category/updated',
      data: { type: 'category', id: 42 },
      producer: `stores/${SANDBOX_STORE.storeHash}`,
    });
  });

  it('changes nothing on a second provision', async () => {
    // Act
    const again = await request('POST', '/provision', { storeHash: SANDBOX_STORE.storeHash });

    // Assess
    expect(again.status).toBe(200);
    expect(new Set(again.body.entries.map((entry: { action: string }) => entry.action))).toEqual(
      new Set(['unchanged']),
    );
  });

  it('moves an event the consumer rejects to the DLQ after its retries', async () => {
    // Act
    const fired = await fire('store/order/created', { type: 'order', id: 'not-a-number' });
    const [delivered] = fired.delivered;
    const { QueueUrl } = await stack.sqs.send(new GetQueueUrlCommand({ QueueName: stack.queues.dlqName }));
    const dead: string[] = [];
    await until(async () => {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      dead.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}').id));
      return dead.length > 0;
    });

    // Assess
    expect(dead).toEqual([delivered?.eventId]);
    expect(orders).toEqual([]);
  });

  it('delivers nothing after teardown', async () => {
    // Act
    const torn = await request('DELETE', `/provision/${SANDBOX_STORE.storeHash}`);
    const fired = await fire('store/order/created', { type: 'order', id: 7 });

    // Assess
    expect(torn.status).toBe(200);
    expect(
      torn.body.entries.map((entry: { resource: string; action: string }) => [entry.resource, entry.action]),
    ).toEqual([
      ['webhook', 'deleted'],
      ['webhook', 'deleted'],
      ['target', 'deleted'],
      ['rule', 'deleted'],
      ['bus', 'deleted'],
      ['source', 'unchanged'],
    ]);
    expect(stack.eventBridge.inspect.buses().map((bus) => bus.name)).toEqual(['default']);
    expect(stack.eventBridge.inspect.sources().map((source) => source.state)).toEqual(['PENDING']);
    expect(fired.delivered).toEqual([]);
    // Every delivery the emulator started has finished, and the queue holds nothing for the consumer.
    await stack.eventBridge.idle();
    const { QueueUrl } = await stack.sqs.send(new GetQueueUrlCommand({ QueueName: stack.queues.queueName }));
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 0,
      }),
    );
    expect(Messages).toEqual([]);
    expect(orders).toEqual([]);
  });
});
