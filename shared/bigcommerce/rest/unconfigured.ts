import type { BigCommerceClient, StoreClients } from './types.js';

const refuse = (storeHash: string) => () =>
  Promise.reject(new Error(`no BigCommerce client was configured for this consumer (store ${storeHash})`));

/**
 * The clients of a consumer built without any (`createRecordProcessor` without `bigcommerce`): every call
 * fails the record with a message saying so, rather than a handler reading `undefined`.
 */
export const unconfiguredClients: StoreClients = (storeHash) => {
  const fail = refuse(storeHash);
  const client: BigCommerceClient = {
    storeHash,
    request: fail,
    get: fail,
    graphql: fail,
    fetchResource: fail,
  };
  return client;
};
