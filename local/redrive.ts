/**
 * CLI: `npm run redrive -- [--stage dev] [--from <dlq>] [--to <queue>] [--dry-run] [--max <n>]`
 * Moves the DLQ's messages back to the queue (or, with --dry-run, only counts them by scope) and prints
 * the report as JSON. The SQS client uses the SDK's default configuration: AWS credentials and region
 * from the environment, or the local queues with AWS_ENDPOINT_URL_SQS=http://127.0.0.1:9324.
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { queueNamesOf } from '../shared/ops/queues.js';
import { redrive } from '../shared/ops/redrive.js';

const USAGE = `Usage: npm run redrive -- [options]

Moves every message of the dead-letter queue back to the service queue, bodies unchanged.

  --stage <stage>   serverless stage whose queues to use (default: dev):
                    bigcommerce-webhooks-<stage>-events-dlq -> bigcommerce-webhooks-<stage>-events
  --from <queue>    source queue name or URL (default: the stage's DLQ)
  --to <queue>      destination queue name or URL (default: the stage's queue)
  --dry-run         only count the messages by scope; move nothing
  --max <n>         stop after n messages
  -h, --help        this text

AWS credentials and region come from the environment as for any AWS CLI tool; for the offline stack set
AWS_ENDPOINT_URL_SQS=http://127.0.0.1:9324 (and AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).`;

const { values } = parseArgs({
  options: {
    stage: { type: 'string', default: 'dev' },
    from: { type: 'string' },
    to: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    max: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const max = values.max === undefined ? undefined : Number(values.max);
if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
  console.error(`--max expects a positive integer, got ${values.max}\n\n${USAGE}`);
  process.exit(2);
}

const names = queueNamesOf(values.stage ?? 'dev');
const sqs = new SQSClient({});
try {
  const report = await redrive(sqs, {
    from: values.from ?? names.deadLetterQueue,
    to: values.to ?? names.queue,
    dryRun: values['dry-run'] ?? false,
    ...(max !== undefined && { max }),
  });
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.failed.length > 0 ? 1 : 0;
} catch (error) {
  console.error(
    `redrive failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  sqs.destroy();
}
