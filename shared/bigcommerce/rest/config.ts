// zod/mini: this module is in the consume bundle (see shared/config.ts).
import * as z from 'zod/mini';
import { type Env, parseEnv } from '../../config.js';
import { ConfigError } from '../../errors.js';
import { createStoreClients, type TokenSource } from './client.js';
import { ssmParameterTokens, staticTokens } from './tokens.js';
import type { StoreClients } from './types.js';

const optionalText = z.optional(
  z.pipe(
    z.string().check(z.trim()),
    z.transform((value: string) => (value === '' ? undefined : value)),
  ),
);

/**
 * What the consumer's BigCommerce client reads from its environment: the variables provision reads for
 * the same API and the same tokens.
 *
 * @example
 * {
 *   "BIGCOMMERCE_API_URL": "https://api.bigcommerce.com",
 *   "BIGCOMMERCE_TOKEN_PARAMETER": "/bigcommerce-webhooks/dev/stores/{storeHash}/access-token"
 * }
 */
export const BigCommerceClientEnvSchema = z.object({
  BIGCOMMERCE_API_URL: z._default(z.url(), 'https://api.bigcommerce.com'),
  /** SSM SecureString name; `{storeHash}` is replaced by the store hash. */
  BIGCOMMERCE_TOKEN_PARAMETER: z.pipe(
    optionalText,
    z.optional(z.string().check(z.includes('{storeHash}', { message: 'must contain {storeHash}' }))),
  ),
  /** One token for every store, for local runs only; when set, SSM is not read. */
  BIGCOMMERCE_ACCESS_TOKEN: optionalText,
  /** Each call's timeout. */
  BIGCOMMERCE_REQUEST_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 10_000),
});

export type BigCommerceClientConfig = z.infer<typeof BigCommerceClientEnvSchema>;

/** Tokens for a consumer given neither variable: its first fetch fails the record saying what to set. */
const missingTokens: TokenSource = {
  describe: () => 'no token source',
  token: () =>
    Promise.reject(
      new ConfigError(
        'set BIGCOMMERCE_TOKEN_PARAMETER (SSM) or, for local runs, BIGCOMMERCE_ACCESS_TOKEN to fetch from BigCommerce',
      ),
    ),
};

/**
 * The consumer's store clients from its environment, read when a handler first uses one: a consumer whose
 * handlers never fetch neither parses these variables at cold start (a second zod schema there measured
 * about 7 ms per cold start) nor needs a token variable; a bad or missing one fails that first fetch's
 * record with the message saying what to set.
 */
export const storeClientsFromEnv = (env: Env = process.env): StoreClients => {
  let clients: StoreClients | undefined;
  return (storeHash, budget, log) => {
    clients ??= buildStoreClients(parseEnv(BigCommerceClientEnvSchema, env, 'BigCommerce client'));
    return clients(storeHash, budget, log);
  };
};

/** The store clients of a parsed configuration. */
export const buildStoreClients = (config: BigCommerceClientConfig): StoreClients => {
  const tokens = config.BIGCOMMERCE_ACCESS_TOKEN
    ? staticTokens(config.BIGCOMMERCE_ACCESS_TOKEN)
    : config.BIGCOMMERCE_TOKEN_PARAMETER
      ? ssmParameterTokens(config.BIGCOMMERCE_TOKEN_PARAMETER)
      : missingTokens;
  return createStoreClients({
    apiUrl: config.BIGCOMMERCE_API_URL,
    tokens,
    timeoutMs: config.BIGCOMMERCE_REQUEST_TIMEOUT_MS,
  });
};
