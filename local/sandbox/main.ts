/**
 * CLI: `npx tsx local/sandbox/main.ts [--port 4000] [--store <hash>:<token>:<clientId>]...`
 * Runs the BigCommerce sandbox until SIGINT or SIGTERM. New event sources are created as partner sources
 * in the EventBridge that `AWS_ENDPOINT_URL_EVENTBRIDGE` points at (the emulator, 127.0.0.1:4010).
 */
import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { partnerSourceHook } from './partner-source-hook.js';
import { startSandbox } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
    store: { type: 'string', multiple: true, default: ['k7q2m9x4p1:sandbox-token:sandbox-client-id'] },
  },
});

const accounts = (values.store ?? []).map((spec) => {
  const [storeHash = '', token = '', clientId = ''] = spec.split(':');
  if (!storeHash || !token || !clientId)
    throw new Error(`--store expects <hash>:<token>:<clientId>, got ${spec}`);
  return { storeHash, token, clientId };
});

const sandbox = await startSandbox({
  port: Number(values.port),
  host: values.host,
  accounts,
  onEventSourceCreated: partnerSourceHook(new EventBridgeClient({})),
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
