import { describe, expect, it } from 'vitest';
import { loadProvisionConfig } from '../../../shared/config.js';
import { ConfigError } from '../../../shared/errors.js';

const base = {
  AWS_REGION: 'us-east-1',
  AWS_ACCOUNT_ID: '123456789012',
  BIGCOMMERCE_CLIENT_ID: '4yk6pb824t53hirbuz5akdr652lpjb2',
  BIGCOMMERCE_TOKEN_PARAMETER: '/bigcommerce-webhooks/dev/stores/{storeHash}/access-token',
  WEBHOOK_QUEUE_NAME: 'bigcommerce-webhooks-dev-events',
  WEBHOOK_DLQ_NAME: 'bigcommerce-webhooks-dev-events-dlq',
  STORES_TABLE_NAME: 'bigcommerce-webhooks-dev-stores',
};

describe('Config: provision', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = loadProvisionConfig(base);

    // Assess
    expect(config).toMatchObject({
      BIGCOMMERCE_API_URL: 'https://api.bigcommerce.com',
      EVENT_SOURCE_NAME_PREFIX: 'bigcommerce-webhooks',
      RULE_NAME: 'bigcommerce-webhooks-to-queue',
      TARGET_ID: 'webhook-queue',
      PROVISION_MAX_BODY_BYTES: 16_384,
      EVENT_SOURCE_WAIT_MS: 15_000,
    });
    expect(config.BIGCOMMERCE_ACCESS_TOKEN).toBeUndefined();
  });

  it('takes the ingress base URL when set, and refuses one that is not a URL', () => {
    // Act
    const unset = loadProvisionConfig({ ...base, INGRESS_BASE_URL: '' });
    const set = loadProvisionConfig({
      ...base,
      INGRESS_BASE_URL: 'https://abc.execute-api.us-east-1.amazonaws.com',
    });
    const bad = () => loadProvisionConfig({ ...base, INGRESS_BASE_URL: '[object Object]' });

    // Assess
    expect(unset.INGRESS_BASE_URL).toBeUndefined();
    expect(set.INGRESS_BASE_URL).toBe('https://abc.execute-api.us-east-1.amazonaws.com');
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/INGRESS_BASE_URL/);
  });

  it('fails once, naming every bad variable', () => {
    // Act
    const load = () =>
      loadProvisionConfig({ AWS_REGION: 'nowhere', BIGCOMMERCE_TOKEN_PARAMETER: '/no/placeholder' });

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /AWS_REGION.*BIGCOMMERCE_CLIENT_ID.*BIGCOMMERCE_TOKEN_PARAMETER: must contain \{storeHash\}.*WEBHOOK_QUEUE_NAME/,
    );
  });

  it('needs a token source: an SSM parameter template, or a token for local runs', () => {
    // Prepare
    const { BIGCOMMERCE_TOKEN_PARAMETER: _, ...noToken } = base;

    // Act
    const missing = () => loadProvisionConfig({ ...noToken, BIGCOMMERCE_ACCESS_TOKEN: '  ' });
    const local = loadProvisionConfig({ ...noToken, BIGCOMMERCE_ACCESS_TOKEN: 'local-token' });

    // Assess
    expect(missing).toThrow(
      /set BIGCOMMERCE_TOKEN_PARAMETER \(SSM\) or, for local runs, BIGCOMMERCE_ACCESS_TOKEN/,
    );
    expect(local.BIGCOMMERCE_ACCESS_TOKEN).toBe('local-token');
  });

  it('needs the account the chain is built in, as 12 digits', () => {
    // Prepare
    const { AWS_ACCOUNT_ID: _, ...noAccount } = base;

    // Act
    const missing = () => loadProvisionConfig(noAccount);
    const offlinePlaceholder = () =>
      loadProvisionConfig({ ...base, AWS_ACCOUNT_ID: 'offlineContext_accountId' });

    // Assess
    expect(missing).toThrow(/AWS_ACCOUNT_ID/);
    expect(offlinePlaceholder).toThrow(/AWS_ACCOUNT_ID: expected a 12-digit AWS account id/);
  });
});
