import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { INGEST_SDK_CONFIG } from './clients.js';

/** How long the client secret read from SSM is reused before it is read again (a rotated one reaches us by then). */
export const SECRET_MAX_AGE_SECONDS = 300;

/** The app's client secret, which BigCommerce signs each HTTPS webhook with. Never logged, never returned. */
export interface ClientSecretSource {
  secret(): Promise<string>;
  /** Reads the secret again past the cache (after a signature that the cached one does not verify). */
  refresh?(): Promise<string>;
  /** What holds it, for error messages (a name, never the value). */
  describe(): string;
}

/** Thrown when the client secret cannot be read: the ingress answers 503, so BigCommerce delivers again later. */
export class ClientSecretUnavailableError extends Error {
  override readonly name = 'ClientSecretUnavailableError';
}

/** The part of Powertools' SSMProvider the secret source uses. */
export interface ParameterGetter {
  get(name: string, options: { decrypt: boolean; maxAge: number; forceFetch?: boolean }): Promise<unknown>;
}

/**
 * The client secret from its SSM SecureString, read through Powertools Parameters and cached for
 * `maxAgeSeconds` per container: one GetParameter per container every five minutes, not one per webhook.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/
 */
export const ssmClientSecret = (
  parameterName: string,
  options: { maxAgeSeconds?: number; provider?: ParameterGetter } = {},
): ClientSecretSource => {
  let provider = options.provider;
  const describe = () => `SSM parameter ${parameterName}`;
  const read = async (forceFetch: boolean) => {
    provider ??= new SSMProvider({ clientConfig: INGEST_SDK_CONFIG });
    let value: unknown;
    try {
      value = await provider.get(parameterName, {
        decrypt: true,
        maxAge: options.maxAgeSeconds ?? SECRET_MAX_AGE_SECONDS,
        forceFetch,
      });
    } catch (error) {
      const cause = (error as { cause?: { name?: string } }).cause;
      throw new ClientSecretUnavailableError(
        `cannot read the client secret, ${describe()}${cause?.name ? ` (${cause.name})` : ''}`,
        { cause: error },
      );
    }
    if (typeof value !== 'string' || value === '') {
      throw new ClientSecretUnavailableError(`${describe()} holds no client secret`);
    }
    return value;
  };
  return { describe, secret: () => read(false), refresh: () => read(true) };
};
