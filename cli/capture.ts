/**
 * CLI: `npm run capture -- [--stage dev] [--from queue|dlq] [--queue <name or URL>] [--max 10] [--out DIR]`
 * Reads messages of the service's queue or DLQ without consuming them, writes each as a redacted fixture
 * and prints the consumer's verdict on each. The SQS client uses the SDK's default configuration: AWS
 * credentials and region from the environment, or the local queues with AWS_ENDPOINT_URL_SQS.
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { capture } from '../shared/ops/capture.js';
import { formatCaptureReport } from '../shared/ops/capture-report.js';
import { OriginSchema } from '../shared/ops/fixture.js';
import { queueNamesOf, SERVICE_NAME } from '../shared/ops/queues.js';
import { reportFailure, usageFailure } from './usage.js';

const USAGE = `Usage: npm run capture -- [options]

Reads messages without consuming them (they are visible on the queue again at once), writes each as a
JSON fixture with store hash, ids and other identifying values redacted, and prints whether the consumer
accepts it and, if not, why.

  --stage <stage>     serverless stage whose queues to read (default: dev)
  --from queue|dlq    the stage's queue or its dead-letter queue (default: queue)
  --queue <queue>     another queue name or URL to read instead
  --max <n>           stop after n messages (default: 10)
  --out <dir>         where to write the fixtures (default: events/captured)
  --origin <origin>   bigcommerce (a deployed queue) or sandbox (the offline stack); default: sandbox when
                      the queue is on 127.0.0.1 or localhost, else bigcommerce
  --event-source-prefix <prefix>
                      the consumer's EVENT_SOURCE_NAME_PREFIX (default: bigcommerce-webhooks-<stage>)
  -h, --help          this text

Each read counts as one receive towards the queue's redrive policy (5 receives, then the DLQ).
AWS credentials and region come from the environment as for any AWS CLI tool; for the offline stack set
AWS_ENDPOINT_URL_SQS=http://127.0.0.1:9324 (and AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).`;

const fail = usageFailure(USAGE);

const { values } = parseArgs({
  options: {
    stage: { type: 'string', default: 'dev' },
    from: { type: 'string', default: 'queue' },
    queue: { type: 'string' },
    max: { type: 'string', default: '10' },
    out: { type: 'string', default: 'events/captured' },
    origin: { type: 'string' },
    'event-source-prefix': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const from =
  values.from === 'queue' || values.from === 'dlq' ? values.from : fail('--from expects queue or dlq');
const max = Number(values.max);
if (!(Number.isInteger(max) && max > 0)) fail(`--max expects a positive integer, got ${values.max}`);
const origin = values.origin === undefined ? undefined : OriginSchema.safeParse(values.origin);
if (origin && !origin.success) fail('--origin expects bigcommerce or sandbox');

const stage = values.stage ?? 'dev';
const names = queueNamesOf(stage);
const sqs = new SQSClient({});
try {
  const queue = values.queue ?? (from === 'dlq' ? names.deadLetterQueue : names.queue);
  const report = await capture(sqs, {
    queue,
    from,
    max,
    outDir: values.out ?? 'events/captured',
    ...(origin?.data && { origin: origin.data }),
    eventSourceNamePrefix: values['event-source-prefix'] ?? `${SERVICE_NAME}-${stage}`,
  });
  console.log(formatCaptureReport(report));
  process.exitCode = report.unreleased.length > 0 ? 1 : 0;
} catch (error) {
  reportFailure('capture', error);
} finally {
  sqs.destroy();
}
