import { afterEach, describe, expect, it, vi } from 'vitest';
import { storeClientsFromEnv } from '../../../shared/bigcommerce/rest/config.js';
import { unconfiguredClients } from '../../../shared/bigcommerce/rest/unconfigured.js';
import { ConfigError } from '../../../shared/errors.js';

describe('Function: storeClientsFromEnv', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('builds without any token variable, and fails the first fetch saying what to set', async () => {
    // Prepare
    const clients = storeClientsFromEnv({});

    // Act
    const fetching = clients('abc123', {}).get('/v2/orders/1');

    // Assess
    await expect(fetching).rejects.toBeInstanceOf(ConfigError);
    await expect(fetching).rejects.toThrow(/BIGCOMMERCE_TOKEN_PARAMETER .* BIGCOMMERCE_ACCESS_TOKEN/);
  });

  it('refuses a token parameter name without {storeHash} when a handler first uses a client', () => {
    // Prepare
    const clients = storeClientsFromEnv({ BIGCOMMERCE_TOKEN_PARAMETER: '/stores/token' });

    // Act
    const using = () => clients('abc123', {});

    // Assess
    expect(using).toThrow(ConfigError);
    expect(using).toThrow('BIGCOMMERCE_TOKEN_PARAMETER: must contain {storeHash}');
  });

  it('calls the configured API with the local token', async () => {
    // Prepare
    const seen: { url: string; token: string | null }[] = [];
    vi.stubGlobal('fetch', async (input: string, init?: RequestInit) => {
      seen.push({ url: String(input), token: new Headers(init?.headers).get('x-auth-token') });
      return new Response('{"id":1}', { status: 200 });
    });
    const clients = storeClientsFromEnv({
      BIGCOMMERCE_API_URL: 'http://127.0.0.1:9/',
      BIGCOMMERCE_ACCESS_TOKEN: 'local-token',
    });

    // Act
    const order = await clients('abc123', {}).get('/v2/orders/1');

    // Assess
    expect(order).toEqual({ id: 1 });
    expect(seen).toEqual([{ url: 'http://127.0.0.1:9/stores/abc123/v2/orders/1', token: 'local-token' }]);
  });
});

describe('Function: unconfiguredClients', () => {
  it('fails every call naming the store, instead of handing a handler undefined', async () => {
    // Prepare
    const client = unconfiguredClients('abc123', {});

    // Act
    const calls = [client.get('/v2/orders/1'), client.graphql('{ store { id } }')];

    // Assess
    for (const call of calls) {
      await expect(call).rejects.toThrow(
        'no BigCommerce client was configured for this consumer (store abc123)',
      );
    }
  });
});
