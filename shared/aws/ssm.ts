import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { NotFoundError } from '../errors.js';
import { classifyAwsError, isAwsError } from './errors.js';

/** Gives the BigCommerce access token of a store. The token must never be logged or returned. */
export type TokenProvider = (storeHash: string) => Promise<string>;

/** The SSM parameter name for a store: `{storeHash}` in the template replaced by the hash. */
export const tokenParameterName = (template: string, storeHash: string) =>
  template.replaceAll('{storeHash}', storeHash);

/**
 * Reads each store's token from an SSM SecureString named by `template`.
 * @see https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 */
export const ssmTokenProvider =
  (client: SSMClient, template: string): TokenProvider =>
  async (storeHash) => {
    const name = tokenParameterName(template, storeHash);
    try {
      const found = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = found.Parameter?.Value;
      if (!value) throw new NotFoundError(`SSM parameter ${name} is empty`);
      return value;
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
      if (isAwsError(error, 'ParameterNotFound')) {
        throw new NotFoundError(
          `no access token for store ${storeHash}: SSM parameter ${name} does not exist`,
        );
      }
      throw classifyAwsError(error, `GetParameter ${name}`);
    }
  };

/** One fixed token for every store: for local runs against the sandbox. */
export const staticTokenProvider =
  (token: string): TokenProvider =>
  async () =>
    token;
