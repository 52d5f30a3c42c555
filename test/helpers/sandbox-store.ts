import { sandboxSchema } from '../../local/sandbox/schema.js';
import { type Sandbox, startSandbox } from '../../local/sandbox/server.js';
import { createStoreGraphQL, withDialect } from '../../shared/bigcommerce/graphql/client.js';
import { dialectOf } from '../../shared/bigcommerce/graphql/dialect.js';

/** What the preflight reads from the sandbox's schema as written. */
export const SANDBOX_DIALECT = dialectOf(sandboxSchema).dialect;

import { CLIENT_ID, FULL_SOURCE_NAME, STORE_HASH, TOKEN } from './provision-harness.js';

/** The canonical ARN of the seeded source, the destination of its webhooks. */
export const SOURCE_ARN = `arn:aws:events:us-east-1::event-source/${FULL_SOURCE_NAME}`;

/**
 * A sandbox holding one store whose partner source already exists, and a GraphQL client for it whose
 * retries do not wait (the waits are recorded in `sleeps`).
 */
export const startSeededSandbox = async () => {
  const sandbox: Sandbox = await startSandbox({
    accounts: [
      { storeHash: STORE_HASH, token: TOKEN, clientId: CLIENT_ID },
      { storeHash: STORE_HASH, token: 'another-apps-token', clientId: 'another-client' },
    ],
  });
  sandbox.state.eventSources.push({
    id: 'bc/store/eventSource/0',
    storeHash: STORE_HASH,
    clientId: CLIENT_ID,
    awsAccount: '123456789012',
    region: 'us-east-1',
    name: FULL_SOURCE_NAME,
    arn: `arn:aws:us-east-1::event-source/${FULL_SOURCE_NAME}`,
    eventSourceName: FULL_SOURCE_NAME.split('/').at(-1) ?? '',
  });
  const sleeps: number[] = [];
  const graphql = (token = TOKEN) =>
    withDialect(
      createStoreGraphQL({
        apiUrl: sandbox.url,
        storeHash: STORE_HASH,
        token,
        retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      }),
      SANDBOX_DIALECT,
    );
  return { sandbox, graphql, sleeps };
};
