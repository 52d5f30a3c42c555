import { describe, expect, it } from 'vitest';
import { loadConsumeConfig } from '../../../shared/config.js';
import { ConfigError } from '../../../shared/errors.js';

describe('Function: consume, configuration', () => {
  it('remembers handled events for 24 hours unless told otherwise', () => {
    // Act
    const config = loadConsumeConfig({ DEDUPE_TABLE_NAME: 'bigcommerce-webhooks-dev-dedupe' });

    // Assess
    expect(config).toEqual({
      DEDUPE_TABLE_NAME: 'bigcommerce-webhooks-dev-dedupe',
      DEDUPE_WINDOW_SECONDS: 86_400,
    });
  });

  it('reads the window in seconds from DEDUPE_WINDOW_SECONDS', () => {
    // Act
    const config = loadConsumeConfig({ DEDUPE_TABLE_NAME: 'dedupe', DEDUPE_WINDOW_SECONDS: '3600' });

    // Assess
    expect(config.DEDUPE_WINDOW_SECONDS).toBe(3600);
  });

  it.each([
    [{}, 'DEDUPE_TABLE_NAME'],
    [{ DEDUPE_TABLE_NAME: 'a b' }, 'DEDUPE_TABLE_NAME'],
    [{ DEDUPE_TABLE_NAME: 'dedupe', DEDUPE_WINDOW_SECONDS: 'a day' }, 'DEDUPE_WINDOW_SECONDS'],
    [{ DEDUPE_TABLE_NAME: 'dedupe', DEDUPE_WINDOW_SECONDS: '0' }, 'DEDUPE_WINDOW_SECONDS'],
    [{ DEDUPE_TABLE_NAME: 'dedupe', DEDUPE_WINDOW_SECONDS: '2592001' }, 'DEDUPE_WINDOW_SECONDS'],
  ])('fails at start on %j, naming %s', (env, variable) => {
    // Act
    const load = () => loadConsumeConfig(env);

    // Assess
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(variable);
  });
});
