/**
 * CLI: `npm run sandbox -- stores` prints the hashes of the stores the offline stack's sandbox serves, one
 * per line. `npm run sandbox -- deactivate --store <hash> [--scope <scope>] [--url http://127.0.0.1:4000]`
 * deactivates that store's active webhooks (of one scope, or all) on the running sandbox, as BigCommerce
 * does to a webhook after 90 days without a delivered event (`isActive: false`, status INACTIVE), so a
 * scheduled reconcile has something to repair. `npm run sandbox -- serve [--port 4000] [--store <hash>:<token>:<clientId>]...` runs the
 * BigCommerce sandbox alone until SIGINT or SIGTERM (default: the offline stack's stores): their webhook
 * GraphQL API and the REST resources fired events point at. New event sources are created as partner
 * sources in the EventBridge that `AWS_ENDPOINT_URL_EVENTBRIDGE` points at.
 */
import { parseArgs } from 'node:util';
import { createStoreGraphQL } from '../../shared/bigcommerce/graphql/client.js';
import { preflight } from '../../shared/bigcommerce/graphql/preflight.js';
import { listWebhooks, setWebhooksActive } from '../../shared/bigcommerce/graphql/webhooks.js';
import { PORTS } from '../stack-config.js';
import { partnerClients, partnerSourceHook } from './partner-source-hook.js';
import { startSandbox } from './server.js';
import { SANDBOX_ACCOUNTS, SANDBOX_STORE_HASHES, SANDBOX_TOKEN } from './stores.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
    store: { type: 'string', multiple: true },
    scope: { type: 'string' },
    url: { type: 'string', default: `http://127.0.0.1:${PORTS.sandbox}` },
  },
});

const command = positionals[0] ?? 'serve';

if (command === 'stores') {
  process.stdout.write(`${SANDBOX_STORE_HASHES.join('\n')}\n`);
} else if (command === 'serve') {
  const accounts = values.store
    ? values.store.map((spec) => {
        const [storeHash = '', token = '', clientId = ''] = spec.split(':');
        if (!storeHash || !token || !clientId)
          throw new Error(`--store expects <hash>:<token>:<clientId>, got ${spec}`);
        return { storeHash, token, clientId };
      })
    : SANDBOX_ACCOUNTS;
  const sandbox = await startSandbox({
    port: Number(values.port),
    host: values.host,
    accounts,
    onEventSourceCreated: partnerSourceHook(partnerClients()),
  });
  console.log(
    JSON.stringify({ level: 'INFO', service: 'bigcommerce-sandbox', message: 'listening', url: sandbox.url }),
  );
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
} else if (command === 'deactivate') {
  const storeHash = values.store?.[0];
  if (!storeHash || values.store?.length !== 1) {
    process.stderr.write(
      'usage: npm run sandbox -- deactivate --store <hash> [--scope <scope>] [--url <sandbox>]\n',
    );
    process.exit(2);
  }
  // Through the store's own GraphQL API with the sandbox token, as any caller of the running sandbox.
  const gql = createStoreGraphQL({ apiUrl: values.url, storeHash, token: SANDBOX_TOKEN });
  const { api } = await preflight(gql, { key: storeHash });
  const hooks = (await listWebhooks(api)).filter(
    (hook) => hook.active && (values.scope === undefined || hook.scope === values.scope),
  );
  const outcomes = await setWebhooksActive(
    api,
    hooks.map((hook) => hook.id),
    false,
  );
  const refused = outcomes.filter((outcome) => !outcome.ok);
  for (const hook of hooks) process.stdout.write(`deactivated ${hook.scope} (${hook.id})\n`);
  if (hooks.length === 0) process.stdout.write(`store ${storeHash} has no active webhook to deactivate\n`);
  if (refused.length > 0) {
    process.stderr.write(
      `${refused.length} webhook(s) could not be deactivated: ${JSON.stringify(refused)}\n`,
    );
    process.exit(1);
  }
} else {
  process.stderr.write(`unknown command ${command}; use "stores", "serve" or "deactivate"\n`);
  process.exit(2);
}
