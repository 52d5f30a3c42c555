/**
 * CLI: `npm run doctor -- --store <hash> [--stage dev] [--transport eventbridge|https] [--ingress-url URL] [--bigcommerce-only]`
 * The checklist to run before a store's first provision. BigCommerce from BIGCOMMERCE_API_URL (default
 * https://api.bigcommerce.com) and BIGCOMMERCE_ACCESS_TOKEN; AWS (EventBridge, SQS) from the SDK's default
 * chain: credentials, region and AWS_ENDPOINT_URL_* from the environment. Exits 0 when nothing blocks a
 * provision, 1 naming each blocking item, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { defaultScopes } from '../functions/provision/scopes.js';
import { createStoreGraphQL } from '../shared/bigcommerce/graphql/client.js';
import { SUBSCRIBED_SCOPES } from '../shared/bigcommerce/scopes/subscribed.js';
import type { KeyedLogger } from '../shared/logger.js';
import { doctor } from '../shared/ops/doctor.js';
import { queueNamesOf, SERVICE_NAME } from '../shared/ops/queues.js';

const USAGE = `Usage: npm run doctor -- --store <hash> [--stage dev] [--transport eventbridge|https]
                      [--ingress-url URL] [--bigcommerce-only]

Checks, before a store's first provision: the access token, every document provisioning with the
transport (default eventbridge) sends against the store's Admin GraphQL schema (naming each adaptation),
that the transport's mutation is offered (createEventSource, a closed beta, or createHttpsWebhook), and,
unless --bigcommerce-only, the AWS account and region, the BigCommerce partner sources visible
(EventBridge), the queue, DLQ and queue policy, and the store's current status (an HTTPS store's needs
--ingress-url or INGRESS_BASE_URL: the ingest endpoint's base URL, the stack's IngressBaseUrl output).

Environment: BIGCOMMERCE_ACCESS_TOKEN (required), BIGCOMMERCE_API_URL, BIGCOMMERCE_CLIENT_ID, and the usual
AWS variables (for the offline stack: AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_EVENTBRIDGE, AWS_REGION, ...).`;

const { values } = parseArgs({
  options: {
    store: { type: 'string' },
    stage: { type: 'string', default: 'dev' },
    'bigcommerce-only': { type: 'boolean', default: false },
    transport: { type: 'string', default: 'eventbridge' },
    'ingress-url': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const token = process.env.BIGCOMMERCE_ACCESS_TOKEN;
const transport = values.transport;
const argumentProblem = !values.store
  ? '--store is required'
  : transport !== 'eventbridge' && transport !== 'https'
    ? `--transport must be eventbridge or https, not ${transport}`
    : !token
      ? 'BIGCOMMERCE_ACCESS_TOKEN is not set'
      : undefined;
if (
  values.help ||
  argumentProblem ||
  !values.store ||
  !token ||
  (transport !== 'eventbridge' && transport !== 'https')
) {
  console.error(values.help ? USAGE : `${argumentProblem}\n\n${USAGE}`);
  process.exit(values.help ? 0 : 2);
}
const ingressBaseUrl = values['ingress-url'] ?? process.env.INGRESS_BASE_URL;

/** The status check runs the reconciler's dry run, whose per-entry lines would drown the checklist. */
const quiet = () => undefined;
const silent: KeyedLogger = { debug: quiet, info: quiet, warn: quiet, error: quiet, child: () => silent };

const stage = values.stage ?? 'dev';
const prefix = `${SERVICE_NAME}-${stage}`;
const names = queueNamesOf(stage);
const bigCommerceOnly = values['bigcommerce-only'] ?? false;
const sqs = bigCommerceOnly ? undefined : new SQSClient({});
const eventBridge = bigCommerceOnly ? undefined : new EventBridgeClient({});
const report = await doctor(
  {
    storeHash: values.store,
    prefix,
    queueName: names.queue,
    deadLetterQueueName: names.deadLetterQueue,
    ruleName: `${prefix}-to-queue`,
    targetId: 'webhook-queue',
    clientId: process.env.BIGCOMMERCE_CLIENT_ID ?? '',
    region: process.env.AWS_REGION ?? '',
    scopes: defaultScopes(SUBSCRIBED_SCOPES),
    bigCommerceOnly,
    transport,
    ...(ingressBaseUrl && { ingressBaseUrl }),
  },
  {
    graphql: createStoreGraphQL({
      apiUrl: process.env.BIGCOMMERCE_API_URL ?? 'https://api.bigcommerce.com',
      storeHash: values.store,
      token,
    }),
    ...(sqs && { sqs }),
    ...(eventBridge && { eventBridge }),
    logger: silent,
  },
);
sqs?.destroy();
eventBridge?.destroy();

const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;
for (const check of report.checks)
  console.log(`${mark[check.result]}  ${check.name.padEnd(24)} ${check.detail}`);
const blocking = report.checks.filter((check) => check.result === 'fail');
console.log(
  blocking.length === 0
    ? '\nnothing blocks a provision'
    : `\n${blocking.length} item(s) block a provision: ${blocking.map((check) => check.name).join(', ')}`,
);
process.exit(blocking.length === 0 ? 0 : 1);
