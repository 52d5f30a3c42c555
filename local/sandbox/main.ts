/**
 * CLI: `npm run sandbox -- stores` prints the hashes of the stores the offline stack's sandbox serves, one
 * per line. `npm run sandbox -- serve [--port 4000] [--store <hash>:<token>:<clientId>]...` runs the
 * BigCommerce sandbox alone until SIGINT or SIGTERM (default: the offline stack's stores): their webhook
 * GraphQL API and the REST resources fired events point at. New event sources are created as partner
 * sources in the EventBridge that `AWS_ENDPOINT_URL_EVENTBRIDGE` points at.
 */
import { parseArgs } from 'node:util';
import { partnerClients, partnerSourceHook } from './partner-source-hook.js';
import { startSandbox } from './server.js';
import { SANDBOX_ACCOUNTS, SANDBOX_STORE_HASHES } from './stores.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
    store: { type: 'string', multiple: true },
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
} else {
  process.stderr.write(`unknown command ${command}; use "stores" or "serve"\n`);
  process.exit(2);
}
