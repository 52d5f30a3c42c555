import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecordProcessor } from '../../functions/consume/consume.js';
import type { HandlerRegistry } from '../../functions/consume/handlers/types.js';
import { type Sandbox, startSandbox } from '../../local/sandbox/server.js';
import { SANDBOX_TOKEN } from '../../local/sandbox/stores.js';
import { createStoreClients, type TokenSource } from '../../shared/bigcommerce/rest/client.js';
import {
  BigCommerceNotFoundError,
  isNotFound,
  OutOfTimeError,
  StoreAccessError,
} from '../../shared/bigcommerce/rest/errors.js';
import type { StoreClients } from '../../shared/bigcommerce/rest/types.js';
import type { Clock } from '../../shared/clock.js';
import { createFakeDedupe } from '../helpers/fake-dedupe.js';
import { createFakeLogger } from '../helpers/fake-logger.js';
import { recordFor, STORE_HASH } from '../helpers/records.js';

/**
 * A clock whose sleeps move time instead of waiting: concurrent sleepers of the same length wake at the
 * same instant, as they would in real time. The sandbox counts its quota windows on the same clock.
 */
const fakeClock = () => {
  const clock = {
    at: 1_800_000_000_000,
    slept: [] as number[],
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.at = Math.max(clock.at, clock.at + ms);
    },
  };
  return clock satisfies Clock;
};

const tokens: TokenSource = {
  token: async () => SANDBOX_TOKEN,
  describe: (storeHash) => `SSM parameter /bigcommerce-webhooks/test/stores/${storeHash}/access-token`,
};

describe('BigCommerce client against the sandbox over HTTP', () => {
  let sandbox: Sandbox;
  let clock: ReturnType<typeof fakeClock>;
  let clients: StoreClients;

  beforeEach(async () => {
    clock = fakeClock();
    sandbox = await startSandbox({
      accounts: [{ storeHash: STORE_HASH, token: SANDBOX_TOKEN, clientId: 'client' }],
      now: clock.now,
      quota: { requests: 150, windowMs: 30_000, enforce: true },
    });
    clients = createStoreClients({ apiUrl: sandbox.url, tokens, clock, retry: { random: () => 0.5 } });
  });
  afterEach(() => sandbox.close());

  it('fetches the order a fired event points at, under quota', async () => {
    // Prepare
    sandbox.resources.recordFired(STORE_HASH, 'store/order/created', { type: 'order', id: 5 });

    // Act
    const order = await clients(STORE_HASH, {}).fetchResource({
      scope: 'store/order/created',
      data: { type: 'order', id: 5 },
    });

    // Assess
    expect(order).toMatchObject({ id: 5, status: 'Awaiting Fulfillment', total_inc_tax: '115.5000' });
    expect(sandbox.restCalls).toEqual([
      { storeHash: STORE_HASH, method: 'GET', path: '/v2/orders/5', status: 200 },
    ]);
    expect(clock.slept).toEqual([]);
  });

  it('unwraps v3 resources and v3 lists filtered to one id', async () => {
    // Prepare
    sandbox.resources.recordFired(STORE_HASH, 'store/product/updated', { type: 'product', id: 7 });
    sandbox.resources.recordFired(STORE_HASH, 'store/customer/created', { type: 'customer', id: 32 });
    const client = clients(STORE_HASH, {});

    // Act
    const product = await client.fetchResource({
      scope: 'store/product/updated',
      data: { type: 'product', id: 7 },
    });
    const customer = await client.fetchResource({
      scope: 'store/customer/created',
      data: { type: 'customer', id: 32 },
    });

    // Assess
    expect(product).toMatchObject({ id: 7, name: 'Sandbox product 7' });
    expect(customer).toMatchObject({ id: 32, email: 'customer32@example.com' });
  });

  it('paces a burst of 200 fetches to one store so the enforcing sandbox answers no 429', async () => {
    // Prepare
    for (let id = 1; id <= 200; id += 1) {
      sandbox.resources.recordFired(STORE_HASH, 'store/product/created', { type: 'product', id });
    }
    const log = createFakeLogger();
    const client = clients(STORE_HASH, {}, log.logger);

    // Act
    const products = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        client.fetchResource({ scope: 'store/product/created', data: { type: 'product', id: index + 1 } }),
      ),
    );

    // Assess
    expect(products.map((product) => product.id)).toEqual(
      Array.from({ length: 200 }, (_, index) => index + 1),
    );
    expect(sandbox.restCalls).toHaveLength(200);
    expect(sandbox.restCalls.filter((call) => call.status !== 200)).toEqual([]);
    // 200 requests do not fit a 150-request window: the limiter waited for the reset instead, and said so.
    expect(clock.slept.some((ms) => ms > 0 && ms <= 30_000)).toBe(true);
    expect(log.at('info').map((line) => line.message)).toContain(
      "waiting for the store's BigCommerce rate-limit window to reset",
    );
  });

  it('waits out a 429 for its X-Rate-Limit-Time-Reset-Ms, then fetches', async () => {
    // Prepare
    sandbox.resources.recordFired(STORE_HASH, 'store/order/created', { type: 'order', id: 5 });
    sandbox.faults.add({ match: 'GET /v2/orders/5', status: 429, resetMs: 4_000 });
    const before = clock.now();
    const log = createFakeLogger();

    // Act
    const order = await clients(STORE_HASH, { deadline: before + 20_000 }, log.logger).fetchResource({
      scope: 'store/order/created',
      data: { type: 'order', id: 5 },
    });

    // Assess
    expect(order.id).toBe(5);
    expect(sandbox.restCalls.map((call) => call.status)).toEqual([429, 200]);
    expect(clock.slept).toEqual([4_000]);
    expect(log.at('warn')).toMatchObject([
      {
        message: 'retrying BigCommerce call',
        extra: { request: `store ${STORE_HASH}: GET /v2/orders/5`, waitMs: 4_000 },
      },
    ]);
  });

  it('fails at once, without waiting, when a 429 resets after the invocation deadline', async () => {
    // Prepare
    sandbox.faults.add({ match: 'GET /v2/orders/5', status: 429, resetMs: 25_000 });

    // Act
    const fetching = clients(STORE_HASH, { deadline: clock.now() + 10_000 }).get('/v2/orders/5');

    // Assess
    await expect(fetching).rejects.toBeInstanceOf(OutOfTimeError);
    expect(clock.slept).toEqual([]);
  });

  it('retries a 503 and a dropped connection with backoff', async () => {
    // Prepare
    sandbox.resources.recordFired(STORE_HASH, 'store/order/created', { type: 'order', id: 5 });
    sandbox.faults.add({ match: 'GET /v2/orders/5', status: 503 });
    sandbox.faults.add({ match: 'GET /v2/orders/5', drop: true });

    // Act
    const order = await clients(STORE_HASH, {}).get<{ id: number }>('/v2/orders/5');

    // Assess
    expect(order.id).toBe(5);
    expect(clock.slept).toHaveLength(2);
    expect(sandbox.restCalls.map((call) => call.status)).toEqual([503, 200]);
  });

  it('reads a refused token again past its cache and repeats the call with the rotated one', async () => {
    // Prepare
    sandbox.resources.recordFired(STORE_HASH, 'store/order/created', { type: 'order', id: 5 });
    let current = 'token-before-rotation';
    const rotating: TokenSource = {
      token: async () => current,
      refresh: async () => {
        current = SANDBOX_TOKEN;
        return current;
      },
      describe: tokens.describe,
    };
    const client = createStoreClients({ apiUrl: sandbox.url, tokens: rotating, clock })(STORE_HASH, {});

    // Act
    const order = await client.get<{ id: number }>('/v2/orders/5');

    // Assess
    expect(order.id).toBe(5);
    expect(sandbox.restCalls.map((call) => call.status)).toEqual([401, 200]);
  });

  it('gives up a call that outlasts its timeout, and retries it', async () => {
    // Prepare
    sandbox.resources.recordFired(STORE_HASH, 'store/order/created', { type: 'order', id: 5 });
    sandbox.faults.add({ match: 'GET /v2/orders/5', delayMs: 1_000 });
    const client = createStoreClients({ apiUrl: sandbox.url, tokens, clock, timeoutMs: 50 })(STORE_HASH, {});

    // Act
    const order = await client.get<{ id: number }>('/v2/orders/5');

    // Assess
    expect(order.id).toBe(5);
    expect(clock.slept).toHaveLength(1);
  });

  it("sends Admin GraphQL documents to the store's endpoint and returns their data", async () => {
    // Act
    const data = await clients(STORE_HASH, {}).graphql<{ store: { webhooks: { edges: unknown[] } } }>(
      'query { store { webhooks { edges { node { id } } } } }',
    );

    // Assess
    expect(data.store.webhooks.edges).toEqual([]);
  });

  it('answers a deleted resource with BigCommerceNotFoundError', async () => {
    // Prepare
    sandbox.resources.recordFired(STORE_HASH, 'store/product/created', { type: 'product', id: 9 });
    sandbox.resources.recordFired(STORE_HASH, 'store/product/deleted', { type: 'product', id: 9 });

    // Act
    const fetching = clients(STORE_HASH, {}).fetchResource({
      scope: 'store/product/deleted',
      data: { type: 'product', id: 9 },
    });

    // Assess
    await expect(fetching).rejects.toBeInstanceOf(BigCommerceNotFoundError);
  });
});

describe('Function: consume, with handlers fetching from the sandbox', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({
      accounts: [{ storeHash: STORE_HASH, token: SANDBOX_TOKEN, clientId: 'client' }],
    });
  });
  afterEach(() => sandbox.close());

  const processorFor = (handlers: HandlerRegistry, clock = fakeClock()) => {
    const log = createFakeLogger();
    const process = createRecordProcessor({
      handlers,
      logger: log.logger,
      dedupe: createFakeDedupe().dedupe,
      bigcommerce: createStoreClients({ apiUrl: sandbox.url, tokens, clock }),
    });
    return { process, log };
  };

  it('hands a 404 to the handler as NotFound, which may acknowledge the event', async () => {
    // Prepare
    const seen: unknown[] = [];
    const { process } = processorFor({
      'store/order/created': async (event, { bigcommerce }) => {
        try {
          await bigcommerce.fetchResource(event);
        } catch (error) {
          seen.push(error);
          if (!isNotFound(error)) throw error;
        }
      },
    });

    // Act
    const outcome = await process(recordFor('store/order/created', { type: 'order', id: 404 }));

    // Assess
    expect(outcome.status).toBe('handled');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(BigCommerceNotFoundError);
    expect((seen[0] as Error).message).toContain('/v2/orders/404');
  });

  it('fails the record of a store whose token was revoked, naming the store and the parameter', async () => {
    // Prepare
    sandbox.revokeToken(STORE_HASH);
    const { process, log } = processorFor({
      'store/order/created': async (event, { bigcommerce }) => {
        await bigcommerce.fetchResource(event);
      },
    });

    // Act
    const processing = process(recordFor('store/order/created', { type: 'order', id: 5 }));

    // Assess
    await expect(processing).rejects.toBeInstanceOf(StoreAccessError);
    await expect(processing).rejects.toThrow(
      `store ${STORE_HASH}: BigCommerce refused the access token from SSM parameter /bigcommerce-webhooks/test/stores/${STORE_HASH}/access-token (HTTP 401)`,
    );
    expect(log.at('error').map((line) => line.message)).toContain(
      'handler failed; the record will be retried',
    );
  });

  it('fails the record when the rate-limit wait outlasts the invocation', async () => {
    // Prepare
    sandbox.quota.exhaust(STORE_HASH);
    const clock = fakeClock();
    const { process } = processorFor(
      {
        'store/order/created': async (event, { bigcommerce }) => {
          await bigcommerce.fetchResource(event);
        },
      },
      clock,
    );

    // Act
    const processing = process(recordFor('store/order/created', { type: 'order', id: 5 }), {
      deadline: clock.now() + 5_000,
    });

    // Assess
    await expect(processing).rejects.toThrow(/rate limited until after the invocation's deadline/);
    await expect(processing).rejects.toBeInstanceOf(OutOfTimeError);
    expect(clock.slept).toEqual([]);
    expect(sandbox.restCalls.map((call) => call.status)).toEqual([429]);
  });
});
