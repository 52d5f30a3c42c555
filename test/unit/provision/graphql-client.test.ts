import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createStoreGraphQL,
  storeGraphQLUrl,
  withDialect,
} from '../../../shared/bigcommerce/graphql/client.js';
import { listWebhooks } from '../../../shared/bigcommerce/graphql/webhooks.js';
import { PermanentError, TransientError } from '../../../shared/errors.js';
import { STORE_HASH, TOKEN } from '../../helpers/provision-harness.js';
import { SANDBOX_DIALECT, startSeededSandbox } from '../../helpers/sandbox-store.js';

type Seeded = Awaited<ReturnType<typeof startSeededSandbox>>;

describe('BigCommerce GraphQL client', () => {
  let s: Seeded;
  let sleeps: number[];
  const client = (overrides: { token?: string; timeoutMs?: number; maxWaitMs?: number } = {}) =>
    withDialect(
      createStoreGraphQL({
        apiUrl: `${s.sandbox.url}/`,
        storeHash: STORE_HASH,
        token: overrides.token ?? TOKEN,
        timeoutMs: overrides.timeoutMs ?? 2_000,
        retry: {
          sleep: async (ms) => void sleeps.push(ms),
          random: () => 0.5,
          maxWaitMs: overrides.maxWaitMs ?? 15_000,
        },
      }),
      SANDBOX_DIALECT,
    );
  const listCalls = () => s.sandbox.calls.filter((call) => call.fields.includes('webhooks')).length;

  beforeEach(async () => {
    s = await startSeededSandbox();
    sleeps = [];
  });

  afterEach(async () => {
    await s.sandbox.close();
  });

  it('addresses the store endpoint under the configured API URL', () => {
    expect(storeGraphQLUrl('https://api.bigcommerce.com/', 'abc123')).toBe(
      'https://api.bigcommerce.com/stores/abc123/graphql',
    );
  });

  it('waits X-Rate-Limit-Time-Reset-Ms after a 429, then succeeds', async () => {
    // Prepare
    s.sandbox.faults.add({ status: 429, resetMs: 1_234 });

    // Act
    const webhooks = await listWebhooks(client());

    // Assess
    expect(webhooks).toEqual([]);
    expect(sleeps).toEqual([1_234]);
    expect(listCalls()).toBe(2);
  });

  it('retries 5xx with jittered exponential backoff, a bounded number of times', async () => {
    // Prepare
    s.sandbox.faults.add({ status: 503, times: 10 });

    // Act
    const result = listWebhooks(client());

    // Assess
    await expect(result).rejects.toThrow(TransientError);
    await expect(result).rejects.toThrow(/HTTP 503/);
    expect(listCalls()).toBe(4);
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('retries a dropped connection and a request that times out', async () => {
    // Prepare
    s.sandbox.faults.add({ drop: true });
    s.sandbox.faults.add({ delayMs: 400 });

    // Act
    const webhooks = await listWebhooks(client({ timeoutMs: 150 }));

    // Assess
    expect(webhooks).toEqual([]);
    expect(sleeps).toHaveLength(2);
  });

  it('does not wait for a rate-limit reset longer than its budget', async () => {
    // Prepare
    s.sandbox.faults.add({ status: 429, resetMs: 60_000 });

    // Act
    const error = await listWebhooks(client({ maxWaitMs: 10_000 })).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(60_000);
    expect(sleeps).toEqual([]);
  });

  it('fails at once, without echoing the token, when BigCommerce refuses the token', async () => {
    // Act
    const error = await listWebhooks(client({ token: 'wrong-token-value' })).catch(
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/refused the store's access token \(HTTP 401\)/);
    expect(JSON.stringify(error)).not.toContain('wrong-token-value');
    expect((error as Error).message).not.toContain('wrong-token-value');
    expect(sleeps).toEqual([]);
  });

  it('turns top-level GraphQL errors into a permanent error naming them', async () => {
    // Act
    const result = client().request(
      'query listWebhooks { store { webhooks(first: 0) { edges { cursor } } } }',
      {},
      z.unknown(),
    );

    // Assess
    await expect(result).rejects.toThrow(PermanentError);
    await expect(result).rejects.toThrow(/first must be between 1 and 250/);
  });
});
