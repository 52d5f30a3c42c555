/**
 * The stores the offline stack's sandbox serves. They share one API account (client id and token), as the
 * stores that install one BigCommerce app do, so one `BIGCOMMERCE_ACCESS_TOKEN` reaches all of them locally;
 * each store sees only its own event sources and webhooks. Local values, not secrets.
 */
export const SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const SANDBOX_TOKEN = 'sandbox-access-token';
export const SANDBOX_STORE_HASHES = ['k7q2m9x4p1', 'b3n8w2r6t0', 'q5z1c7v9h4'] as const;

/** The sandbox accounts: each store with the shared token and client id. */
export const SANDBOX_ACCOUNTS = SANDBOX_STORE_HASHES.map((storeHash) => ({
  storeHash,
  token: SANDBOX_TOKEN,
  clientId: SANDBOX_CLIENT_ID,
}));
