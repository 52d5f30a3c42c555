import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const TEST_PREFIX = 'aws.partner/bigcommerce.com.test/';

/**
 * The whole chain on 127.0.0.1 with the sandbox issuing the `.test` source names BigCommerce's bus and rule
 * examples show (`aws.partner/bigcommerce.com.test/...`): the provision API and the consume handler in
 * this process, over real HTTP to the EventBridge emulator, local-aws-sqs, dynalite and the sandbox.
 */
describe('Offline stack: a store whose event sources are named aws.partner/bigcommerce.com.test/...', () => {
  let stack: Stack;
  const handled: { id: number; source: string }[] = [];
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
  const fire = async (scope: string, data: unknown) => {
    // EventBridge applies new rules and targets after a short while: fire once they are in effect.
    await stack.eventBridge.settled();
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: SANDBOX_STORE.storeHash, scope, data }),
    });
    return (await response.json()) as { delivered: { source: string; eventId: string }[] };
  };

  beforeAll(async () => {
    let consume: ReturnType<typeof createConsumeHandler> | undefined;
    stack = await startStack({
      ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0 },
      partnerName: 'bigcommerce.com.test',
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
        'store/category/updated': (event, context) => {
          handled.push({ id: event.data.id, source: context.eventBridge.source });
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
        { 'store/category/updated': () => undefined },
        keyed(logger),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('provisions the store, delivers a fired event to its handler, and tears down leaving nothing', async () => {
    // Act
    const provisioned = await request('POST', '/provision', { storeHash: SANDBOX_STORE.storeHash });
    const fired = await fire('store/category/updated', { type: 'category', id: 42 });
    await until(() => handled.length === 1);
    const torn = await request('DELETE', `/provision/${SANDBOX_STORE.storeHash}`);
    const afterTeardown = await fire('store/category/updated', { type: 'category', id: 43 });

    // Assess
    expect(provisioned.status).toBe(200);
    expect(provisioned.body.entries.map((entry: { action: string }) => entry.action)).toEqual(
      Array(5).fill('created'),
    );
    const source = provisioned.body.entries[0];
    expect(source).toMatchObject({ resource: 'source', name: expect.stringMatching(`^${TEST_PREFIX}`) });
    expect(fired.delivered.map((event) => event.source)).toEqual([source.name]);
    expect(handled).toEqual([{ id: 42, source: source.name }]);

    expect(torn.status).toBe(200);
    expect(torn.body.converged).toBe(true);
    expect(
      torn.body.entries.map((entry: { resource: string; action: string }) => [entry.resource, entry.action]),
    ).toEqual([
      ['webhook', 'deleted'],
      ['target', 'deleted'],
      ['rule', 'deleted'],
      ['bus', 'deleted'],
      ['source', 'unchanged'],
    ]);
    expect(stack.eventBridge.inspect.buses().map((bus) => bus.name)).toEqual(['default']);
    expect(stack.eventBridge.inspect.rules(source.name)).toEqual([]);
    expect(stack.sandbox.state.webhooks).toEqual([]);
    expect(stack.eventBridge.inspect.sources().map((s) => [s.name, s.state])).toEqual([
      [source.name, 'PENDING'],
    ]);
    expect(afterTeardown.delivered).toEqual([]);
  });
});
