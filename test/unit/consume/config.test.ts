import { describe, expect, it } from 'vitest';
import { dynamoDbConnectionOf, loadConsumeConfig } from '../../../shared/config.js';
import { ConfigError } from '../../../shared/errors.js';

/** What Lambda puts in every function's environment. */
const lambda = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

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

  it('calls DynamoDB as the role Lambda gives it, at the endpoint variables in the AWS SDK order', () => {
    // Prepare
    const env = { ...lambda, AWS_SESSION_TOKEN: 'token', DEDUPE_TABLE_NAME: 'dedupe' };

    // Act
    const onAws = dynamoDbConnectionOf(loadConsumeConfig(env));
    const general = dynamoDbConnectionOf(
      loadConsumeConfig({ ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }),
    );
    const specific = dynamoDbConnectionOf(
      loadConsumeConfig({
        ...env,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
      }),
    );
    const ignored = dynamoDbConnectionOf(
      loadConsumeConfig({
        ...env,
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      }),
    );

    // Assess
    expect(onAws).toEqual({
      region: 'us-east-1',
      endpoint: undefined,
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    expect(general.endpoint).toBe('http://127.0.0.1:4566');
    expect(specific.endpoint).toBe('http://127.0.0.1:4567');
    expect(ignored.endpoint).toBeUndefined();
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
    [{ DEDUPE_TABLE_NAME: 'dedupe' }, 'AWS_ACCESS_KEY_ID: missing: Lambda sets it'],
    [{ ...lambda, AWS_SECRET_ACCESS_KEY: '', DEDUPE_TABLE_NAME: 'dedupe' }, 'AWS_SECRET_ACCESS_KEY: empty'],
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
});
