/**
 * CLI: `npx tsx local/eventbridge/main.ts [--port 4010] [--sqs-endpoint http://127.0.0.1:9324]`.
 * Runs the emulator for the offline stack until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startEventBridgeEmulator } from './emulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'sqs-endpoint': { type: 'string', default: process.env.AWS_ENDPOINT_URL_SQS ?? 'http://127.0.0.1:9324' },
    region: { type: 'string', default: process.env.AWS_REGION ?? 'us-east-1' },
    account: { type: 'string', default: '123456789012' },
  },
});

const line =
  (level: string) =>
  (message: string, ...extra: Record<string, unknown>[]) =>
    console.log(
      JSON.stringify({ level, service: 'eventbridge-emulator', message, ...Object.assign({}, ...extra) }),
    );

const emulator = await startEventBridgeEmulator({
  port: Number(values.port),
  host: values.host,
  sqsEndpoint: values['sqs-endpoint'],
  region: values.region,
  account: values.account,
  retryBaseDelayMs: 1000,
  logger: { info: line('INFO'), warn: line('WARN'), error: line('ERROR') },
});

const stop = async (signal: string) => {
  line('INFO')('stopping', { signal });
  await emulator.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
