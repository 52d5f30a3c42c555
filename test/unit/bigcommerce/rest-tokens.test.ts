import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreAccessError } from '../../../shared/bigcommerce/rest/errors.js';
import { ssmParameterTokens } from '../../../shared/bigcommerce/rest/tokens.js';

const TEMPLATE = '/bigcommerce-webhooks/dev/stores/{storeHash}/access-token';

describe('Function: ssmParameterTokens', () => {
  const ssm = mockClient(SSMClient);
  beforeEach(() => {
    ssm.reset();
    // Powertools' SSM client needs a region; the mock answers before any request leaves.
    vi.stubEnv('AWS_REGION', 'us-east-1');
  });
  afterEach(() => {
    ssm.reset();
    vi.unstubAllEnvs();
  });

  it("reads the store's SecureString decrypted, once per cache lifetime", async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'token-abc' } });
    const tokens = ssmParameterTokens(TEMPLATE);

    // Act
    const first = await tokens.token('abc123');
    const second = await tokens.token('abc123');

    // Assess
    expect([first, second]).toEqual(['token-abc', 'token-abc']);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Name: '/bigcommerce-webhooks/dev/stores/abc123/access-token',
      WithDecryption: true,
    });
  });

  it('reads a parameter again once its cache lifetime is over', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'token-abc' } });
    const tokens = ssmParameterTokens(TEMPLATE, 0);

    // Act
    await tokens.token('abc123');
    await tokens.token('abc123');

    // Assess
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('reads past the cache on refresh, and the next read gives the refreshed token', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'token-old' } })
      .resolves({ Parameter: { Value: 'token-new' } });
    const tokens = ssmParameterTokens(TEMPLATE);
    await tokens.token('abc123');

    // Act
    const refreshed = await tokens.refresh?.('abc123');
    const next = await tokens.token('abc123');

    // Assess
    expect([refreshed, next]).toEqual(['token-new', 'token-new']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('names the store and the parameter when no token is stored', async () => {
    // Prepare
    const missing = Object.assign(new Error('Parameter not found'), { name: 'ParameterNotFound' });
    ssm.on(GetParameterCommand).rejects(missing);
    const tokens = ssmParameterTokens(TEMPLATE);

    // Act
    const reading = tokens.token('zz9');

    // Assess
    await expect(reading).rejects.toBeInstanceOf(StoreAccessError);
    await expect(reading).rejects.toThrow(
      'store zz9: cannot read its access token, SSM parameter /bigcommerce-webhooks/dev/stores/zz9/access-token (ParameterNotFound)',
    );
  });
});
