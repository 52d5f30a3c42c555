/**
 * `npm start`: the whole chain on this machine, no AWS account, no store, no Docker. Stops cleanly on
 * Ctrl-C or SIGTERM, leaving no process behind.
 */
import { PARTNER_NAMES, type PartnerName } from './sandbox/resolvers.js';
import { SANDBOX_STORE_HASHES } from './sandbox/stores.js';
import { SANDBOX_STORE, startStack } from './stack.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

// SANDBOX_PARTNER_NAME=bigcommerce.com.test makes the sandbox name its sources as BigCommerce's test sources.
const partnerName = process.env.SANDBOX_PARTNER_NAME || 'bigcommerce.com';
const isPartnerName = (name: string): name is PartnerName => PARTNER_NAMES.some((known) => known === name);
if (!isPartnerName(partnerName)) {
  process.stderr.write(
    `SANDBOX_PARTNER_NAME must be one of ${PARTNER_NAMES.join(', ')}; got ${partnerName}\n`,
  );
  process.exit(1);
}
say('Starting the offline stack (serverless offline bundles the functions first; ~10 s)...');

const stack = await startStack({
  consume: 'serverless-offline',
  partnerName,
  output: (part, line) => say(`[${part}] ${line}`),
  onBatch: ({ received, failed, error }) => {
    if (received > 0)
      say(
        `[queue] batch of ${received}: ${received - failed.length} acknowledged, ${failed.length} failed${error ? ` (${error})` : ''}`,
      );
  },
});

const http = stack.offline?.httpUrl ?? '';
say(`
Offline stack ready:
  provision API (serverless offline)  ${http}/provision
  HTTPS webhook ingress (ingest)      ${http}/webhooks/{storeHash}  signed with the sandbox app's secret (SSM ${stack.env.AWS_ENDPOINT_URL_SSM})
  consume (serverless offline Lambda) ${stack.offline?.lambdaUrl ?? ''}  fed from the queue below
  SQS (local-aws-sqs)                 ${stack.env.AWS_ENDPOINT_URL_SQS}  queue ${stack.queues.queueName}, DLQ ${stack.queues.dlqName}
  EventBridge emulator                ${stack.env.AWS_ENDPOINT_URL_EVENTBRIDGE}
  DynamoDB (dynalite, dedupe)         ${stack.env.AWS_ENDPOINT_URL_DYNAMODB}
  BigCommerce sandbox                 ${stack.env.BIGCOMMERCE_API_URL}  stores ${SANDBOX_STORE_HASHES.join(', ')}, sources aws.partner/${partnerName}/...

Try:
  curl -s -X POST ${http}/provision -H 'content-type: application/json' -d '{"storeHash":"${SANDBOX_STORE.storeHash}"}'
  npm run fire -- store/category/updated --id 42        (--store <hash> for another store)
  curl -s ${http}/provision/${SANDBOX_STORE.storeHash}
  curl -s -X DELETE ${http}/provision/${SANDBOX_STORE.storeHash}

Handler modules reload on save: edit one under functions/consume/handlers/ (or anything it imports) and
the bundle is rebuilt in well under a second; events from then on run the new code, no restart. A module
that does not build keeps the old code running and prints "Bundle error".

Ctrl-C stops everything.`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  say(`\n${signal}: stopping...`);
  await stack.stop();
  say('stopped.');
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
