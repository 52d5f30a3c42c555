/**
 * `npm run fire -- <scope> [--id 42] [--data '{...}'] [--store <hash>] [--sandbox <url>]`: asks the
 * BigCommerce sandbox to fire a store event, delivered to every matching EventBridge webhook.
 */
import { parseArgs } from 'node:util';
import { SANDBOX_STORE } from './stack.js';
import { HOST, PORTS } from './stack-config.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    id: { type: 'string' },
    data: { type: 'string' },
    store: { type: 'string', default: SANDBOX_STORE.storeHash },
    sandbox: { type: 'string', default: `http://${HOST}:${PORTS.sandbox}` },
  },
});
const [scope] = positionals;
if (!scope) {
  process.stderr.write('usage: npm run fire -- <scope> [--id 42] [--data JSON] [--store HASH]\n');
  process.exit(2);
}

const response = await fetch(`${values.sandbox}/__sandbox/fire`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    storeHash: values.store,
    scope,
    id: values.id === undefined ? undefined : Number(values.id),
    data: values.data === undefined ? undefined : JSON.parse(values.data),
  }),
}).catch((error: unknown) => {
  process.stderr.write(
    `cannot reach the sandbox at ${values.sandbox}: is \`npm start\` running? (${error})\n`,
  );
  process.exit(1);
});
const result = (await response.json()) as {
  title?: string;
  delivered?: { subscribedScope: string; source: string }[];
};
if (!response.ok) {
  process.stderr.write(`fire failed (${response.status}): ${result.title ?? JSON.stringify(result)}\n`);
  process.exit(1);
}
const delivered = result.delivered ?? [];
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  delivered.length === 0
    ? `no active webhook of store ${values.store} matches ${scope}: nothing delivered (provision the store first)\n`
    : `delivered to ${delivered.length} webhook(s): ${delivered.map((d) => d.subscribedScope).join(', ')}\n`,
);
