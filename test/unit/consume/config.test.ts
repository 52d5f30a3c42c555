import { describe, expect, it } from 'vitest';
import { loadConsumeFunctionConfig } from '../../../functions/consume/config.js';
import { loadConsumeConfig } from '../../../shared/config.js';
import { ConfigError } from '../../../shared/errors.js';

/** What Lambda puts in every function's environment that the consumer's configuration reads. */
const lambda = { AWS_REGION: 'us-east-1' };

describe('Function: consume, configuration', () => {
  it('remembers handled events for 24 hours unless told otherwise', () => {
    // Act
    const config = loadConsumeConfig({ ...lambda, DEDUPE_TABLE_NAME: 'bigcommerce-webhooks-dev-dedupe' });

    // Assess
    expect(config).toEqual({
      ...lambda,
      DEDUPE_TABLE_NAME: 'bigcommerce-webhooks-dev-dedupe',
      DEDUPE_WINDOW_SECONDS: 86_400,
      EVENT_SOURCE_NAME_PREFIX: 'bigcommerce-webhooks',
    });
  });

  it("reads provision's event source name prefix from EVENT_SOURCE_NAME_PREFIX", () => {
    // Act
    const config = loadConsumeConfig({
      ...lambda,
      DEDUPE_TABLE_NAME: 'dedupe',
      EVENT_SOURCE_NAME_PREFIX: 'bigcommerce-webhooks-prod',
    });

    // Assess
    expect(config.EVENT_SOURCE_NAME_PREFIX).toBe('bigcommerce-webhooks-prod');
  });

  it('reads the window in seconds from DEDUPE_WINDOW_SECONDS', () => {
    // Act
    const config = loadConsumeConfig({
      ...lambda,
      DEDUPE_TABLE_NAME: 'dedupe',
      DEDUPE_WINDOW_SECONDS: '3600',
    });

    // Assess
    expect(config.DEDUPE_WINDOW_SECONDS).toBe(3600);
  });

  it('leaves credentials to the DynamoDB client and reads only the endpoint variable it does not', () => {
    // Act: credentials, a session token and a profile are the client's chain, not configuration.
    const onAws = loadConsumeConfig({
      ...lambda,
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SESSION_TOKEN: 'token',
      DEDUPE_TABLE_NAME: 'dedupe',
    });
    const offline = loadConsumeConfig({
      ...lambda,
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
      DEDUPE_TABLE_NAME: 'dedupe',
    });

    // Assess
    expect(onAws).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(onAws).not.toHaveProperty('AWS_SESSION_TOKEN');
    expect(onAws.AWS_ENDPOINT_URL_DYNAMODB).toBeUndefined();
    expect(offline.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://127.0.0.1:4567');
  });

  it('takes a region of any partition, sovereign ones included', () => {
    // Act
    const config = loadConsumeConfig({
      ...lambda,
      AWS_REGION: 'eusc-de-east-1',
      DEDUPE_TABLE_NAME: 'dedupe',
    });

    // Assess
    expect(config.AWS_REGION).toBe('eusc-de-east-1');
  });

  it.each([
    [{ DEDUPE_TABLE_NAME: 'dedupe' }, 'AWS_REGION'],
    [
      { ...lambda, AWS_USE_FIPS_ENDPOINT: 'true', DEDUPE_TABLE_NAME: 'dedupe' },
      'AWS_USE_FIPS_ENDPOINT: not supported',
    ],
    [
      { ...lambda, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE', DEDUPE_TABLE_NAME: 'dedupe' },
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: not supported',
    ],
    [{ ...lambda, AWS_REGION: 'Virginia', DEDUPE_TABLE_NAME: 'dedupe' }, 'AWS_REGION'],
    [
      { ...lambda, AWS_ENDPOINT_URL_DYNAMODB: 'localhost', DEDUPE_TABLE_NAME: 'dedupe' },
      'AWS_ENDPOINT_URL_DYNAMODB',
    ],
    [{ ...lambda }, 'DEDUPE_TABLE_NAME'],
    [{ ...lambda, DEDUPE_TABLE_NAME: 'a b' }, 'DEDUPE_TABLE_NAME'],
    [{ ...lambda, DEDUPE_TABLE_NAME: 'dedupe', DEDUPE_WINDOW_SECONDS: 'a day' }, 'DEDUPE_WINDOW_SECONDS'],
    [{ ...lambda, DEDUPE_TABLE_NAME: 'dedupe', DEDUPE_WINDOW_SECONDS: '0' }, 'DEDUPE_WINDOW_SECONDS'],
    [{ ...lambda, DEDUPE_TABLE_NAME: 'dedupe', DEDUPE_WINDOW_SECONDS: '2592001' }, 'DEDUPE_WINDOW_SECONDS'],
    [{ ...lambda, DEDUPE_TABLE_NAME: 'dedupe', EVENT_SOURCE_NAME_PREFIX: 'a/b' }, 'EVENT_SOURCE_NAME_PREFIX'],
  ])('fails at start on %j, naming %s', (env, variable) => {
    // Act
    const load = () => loadConsumeConfig(env);

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(variable);
  });

  it("gives the function's metrics the STAGE serverless.yml sets, dev when unset", () => {
    // Act
    const table = { ...lambda, DEDUPE_TABLE_NAME: 'bigcommerce-webhooks-prod-dedupe' };
    const prod = loadConsumeFunctionConfig({ ...table, STAGE: 'prod' });
    const unset = loadConsumeFunctionConfig(table);

    // Assess
    expect(prod).toMatchObject({ STAGE: 'prod', DEDUPE_TABLE_NAME: 'bigcommerce-webhooks-prod-dedupe' });
    expect(unset.STAGE).toBe('dev');
  });

  it('refuses a STAGE that cannot be a metric dimension value, naming it', () => {
    // Act
    const load = () =>
      loadConsumeFunctionConfig({ ...lambda, DEDUPE_TABLE_NAME: 'dedupe', STAGE: 'prod stage/1' });

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow('STAGE');
  });
});
