import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventFor } from '../../functions/consume/handlers/types.js';
import { SANDBOX_STORE, type Stack } from '../../local/stack.js';
import { startOfflineChain } from '../helpers/offline-chain.js';
import { until } from '../helpers/until.js';

/**
 * The whole chain on 127.0.0.1: the provision API and the consume handler (the same code as in Lambda,
 * pointed at the stack through the standard AWS_ENDPOINT_URL_* variables), the EventBridge emulator,
 * local-aws-sqs, dynalite and the BigCommerce sandbox, all over real HTTP.
 */
describe('Offline stack: the whole chain', () => {
  // Each test gets its own stack (free ports, fresh emulators and tables) and its own handler records.
  let stack: Stack;
  let categories: EventFor<'store/category/updated'>[];
  let orders: number[];
  let chain: Awaited<ReturnType<typeof startOfflineChain>>;
  const request = (method: string, path: string, body?: unknown) => chain.request(method, path, body);
  const fire = (scope: string, data?: unknown) => chain.fire({ scope, data });
  const provisionStore = async () => {
    const provisioned = await request('POST', '/provision', { storeHash: SANDBOX_STORE.storeHash });
    expect(provisioned.status).toBe(200);
    return provisioned;
  };

  beforeEach(async () => {
    const seenCategories: EventFor<'store/category/updated'>[] = [];
    const seenOrders: number[] = [];
    categories = seenCategories;
    orders = seenOrders;
    chain = await startOfflineChain({
      stack: { visibilityTimeoutSeconds: 1 },
      handlers: {
        'store/category/updated': (event) => {
          seenCategories.push(event);
        },
        'store/order/created': (event) => {
          seenOrders.push(event.data.id);
        },
      },
    });
    stack = chain.stack;
  }, 60_000);

  afterEach(async () => {
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
    // Prepare
    await provisionStore();

    // Act
    const again = await request('POST', '/provision', { storeHash: SANDBOX_STORE.storeHash });

    // Assess
    expect(again.status).toBe(200);
    expect(new Set(again.body.entries.map((entry: { action: string }) => entry.action))).toEqual(
      new Set(['unchanged']),
    );
  });

  it('moves an event the consumer rejects to the DLQ after its retries, and only that one', async () => {
    // Prepare
    await provisionStore();

    // Act: an invalid order and a valid one, so the DLQ cannot be reached by a consumer that fails everything
    const fired = await fire('store/order/created', { type: 'order', id: 'not-a-number' });
    await fire('store/order/created', { type: 'order', id: 7 });
    const [delivered] = fired.delivered;
    const { QueueUrl } = await stack.sqs.send(new GetQueueUrlCommand({ QueueName: stack.queues.dlqName }));
    const dead: string[] = [];
    await until(async () => {
      const { Messages = [] } = await stack.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      dead.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}').id));
      return dead.length > 0 && orders.length > 0;
    });

    // Assess
    expect(dead).toEqual([delivered?.eventId]);
    expect(orders).toEqual([7]);
  });

  it('delivers nothing after teardown', async () => {
    // Prepare
    await provisionStore();

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
