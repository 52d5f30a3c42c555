import { describe, expect, it } from 'vitest';
import { loadConsumeConfig } from '../../../shared/config.js';
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
    });
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

  it('signs its DynamoDB calls with the session token and reaches a local endpoint when given them', () => {
    // Act
    const config = loadConsumeConfig({
      ...lambda,
      AWS_SESSION_TOKEN: 'token',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
      DEDUPE_TABLE_NAME: 'dedupe',
    });

    // Assess
    expect(config.AWS_SESSION_TOKEN).toBe('token');
    expect(config.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://127.0.0.1:4567');
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
  ])('fails at start on %j, naming %s', (env, variable) => {
    // Act
    const load = () => loadConsumeConfig(env);

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(variable);
  });
});
