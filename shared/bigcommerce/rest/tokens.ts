import type { TokenSource } from './client.js';
import { StoreAccessError } from './errors.js';

/** The SSM parameter name of a store's token: `{storeHash}` in the template replaced (as provision reads it). */
const parameterName = (template: string, storeHash: string) => template.replaceAll('{storeHash}', storeHash);

/** How long a token read from SSM is reused before it is read again (a rotated token reaches us by then). */
export const TOKEN_MAX_AGE_SECONDS = 300;

/**
 * Each store's token from its SSM SecureString, read through Powertools Parameters (cached for
 * `maxAgeSeconds`). Powertools and the SSM client are imported on the first read, not at start, so a
 * consumer whose handlers never fetch loads neither.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/
 */
export const ssmParameterTokens = (template: string, maxAgeSeconds = TOKEN_MAX_AGE_SECONDS): TokenSource => {
  let provider: Promise<{ get(name: string, options: object): Promise<unknown> }> | undefined;
  const describe = (storeHash: string) => `SSM parameter ${parameterName(template, storeHash)}`;
  const read = async (storeHash: string, forceFetch: boolean) => {
    provider ??= import('@aws-lambda-powertools/parameters/ssm').then(({ SSMProvider }) => new SSMProvider());
    const name = parameterName(template, storeHash);
    let value: unknown;
    try {
      value = await (await provider).get(name, { decrypt: true, maxAge: maxAgeSeconds, forceFetch });
    } catch (error) {
      const cause = (error as { cause?: { name?: string } }).cause;
      if (cause?.name === 'ParameterNotFound' || cause?.name === 'AccessDeniedException') {
        throw new StoreAccessError(
          `store ${storeHash}: cannot read its access token, ${describe(storeHash)} (${cause.name})`,
          { cause: error },
        );
      }
      throw error;
    }
    if (typeof value !== 'string' || value === '') {
      throw new StoreAccessError(`store ${storeHash}: ${describe(storeHash)} holds no access token`);
    }
    return value;
  };
  return {
    describe,
    token: (storeHash) => read(storeHash, false),
    refresh: (storeHash) => read(storeHash, true),
  };
};

/** One token for every store (BIGCOMMERCE_ACCESS_TOKEN), as provision takes it for local runs. */
export const staticTokens = (token: string): TokenSource => ({
  token: async () => token,
  describe: () => 'BIGCOMMERCE_ACCESS_TOKEN',
});
