import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_STORE, type Stack } from '../../local/stack.js';
import { startOfflineChain } from '../helpers/offline-chain.js';
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
  let chain: Awaited<ReturnType<typeof startOfflineChain>>;
  const request = (method: string, path: string, body?: unknown) => chain.request(method, path, body);
  const fire = (scope: string, data: unknown) => chain.fire({ scope, data });

  beforeAll(async () => {
    chain = await startOfflineChain({
      stack: { partnerName: 'bigcommerce.com.test' },
      handlers: {
        'store/category/updated': (event, context) => {
          handled.push({ id: event.data.id, source: context.eventBridge?.source ?? context.transport });
        },
      },
    });
    stack = chain.stack;
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
