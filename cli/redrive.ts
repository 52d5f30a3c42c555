/**
 * CLI: `npm run redrive -- [--stage dev] [--from <dlq>] [--to <queue>] [--dry-run] [--max <n>]
 * [--per-second <r>] [--include-invalid] [--all]`
 * Re-validates the DLQ's messages as the consumer would now and moves the valid ones back to the queue
 * (or, with --dry-run, only counts them), printing the report as JSON; with --all, SQS's own move task
 * moves everything. The SQS client uses the SDK's default configuration: AWS credentials and region from
 * the environment, or the local queues with AWS_ENDPOINT_URL_SQS=http://127.0.0.1:9324.
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../shared/clock.js';
import { startMoveTask, waitForMoveTask } from '../shared/ops/move-task.js';
import { queueNamesOf, SERVICE_NAME } from '../shared/ops/queues.js';
import { redrive } from '../shared/ops/redrive.js';
import { createJudge } from '../shared/ops/verdict.js';
import { reportFailure, usageFailure } from './usage.js';

const USAGE = `Usage: npm run redrive -- [options]

Judges each message of the dead-letter queue as the consumer would now (envelope, producer, scope
catalog, schemas), counts them by scope as valid or invalid, and moves the valid ones back to the service
queue, bodies and message attributes unchanged. Invalid ones stay on the DLQ.

  --stage <stage>      serverless stage whose queues to use (default: dev):
                       bigcommerce-webhooks-<stage>-events-dlq -> bigcommerce-webhooks-<stage>-events
  --from <queue>       source queue name or URL (default: the stage's DLQ)
  --to <queue>         destination queue name or URL (default: the stage's queue)
  --dry-run            only count the messages by scope and verdict; move nothing
  --max <n>            stop after moving (in a dry run: counting) n messages
  --per-second <r>     move at most r messages a second
  --include-invalid    move the messages the consumer would reject again too
  --all                move everything without reading it, by an SQS message move task
                       (with --max or --dry-run: read and move everything, invalid included)
  --event-source-prefix <prefix>
                       the consumer's EVENT_SOURCE_NAME_PREFIX (default: bigcommerce-webhooks-<stage>)
  -h, --help           this text

AWS credentials and region come from the environment as for any AWS CLI tool; for the offline stack set
AWS_ENDPOINT_URL_SQS=http://127.0.0.1:9324 (and AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).`;

const fail = usageFailure(USAGE);

const { values } = parseArgs({
  options: {
    stage: { type: 'string', default: 'dev' },
    from: { type: 'string' },
    to: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    max: { type: 'string' },
    'per-second': { type: 'string' },
    'include-invalid': { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    'event-source-prefix': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const positive = (flag: string, text: string | undefined, integer: boolean) => {
  if (text === undefined) return undefined;
  const value = Number(text);
  return value > 0 && (!integer || Number.isInteger(value))
    ? value
    : fail(`${flag} expects a positive ${integer ? 'integer' : 'number'}, got ${text}`);
};
const max = positive('--max', values.max, true);
const perSecond = positive('--per-second', values['per-second'], false);

const stage = values.stage ?? 'dev';
const names = queueNamesOf(stage);
const from = values.from ?? names.deadLetterQueue;
const to = values.to ?? names.queue;
const dryRun = values['dry-run'] ?? false;
/** Nothing to read or judge: SQS moves the whole DLQ itself. */
const moveTask = (values.all ?? false) && max === undefined && !dryRun;
// StartMessageMoveTask takes a whole number of messages a second, at most 500.
if (moveTask && perSecond !== undefined && !(Number.isInteger(perSecond) && perSecond <= 500)) {
  fail(`--per-second with --all expects a whole number from 1 to 500, got ${perSecond}`);
}
const sqs = new SQSClient({});
try {
  if (moveTask) {
    const task = await startMoveTask(sqs, { from, to, ...(perSecond !== undefined && { perSecond }) });
    const result = await waitForMoveTask(sqs, task, { clock: systemClock });
    console.log(JSON.stringify({ from, to, mode: 'move-task', ...result }, null, 2));
    process.exitCode = result.status === 'COMPLETED' ? 0 : 1;
  } else {
    const interrupted = new AbortController();
    process.once('SIGINT', () => interrupted.abort());
    const report = await redrive(sqs, {
      signal: interrupted.signal,
      from,
      to,
      dryRun,
      judge: createJudge({
        eventSourceNamePrefix: values['event-source-prefix'] ?? `${SERVICE_NAME}-${stage}`,
      }),
      includeInvalid: (values['include-invalid'] ?? false) || (values.all ?? false),
      ...(max !== undefined && { max }),
      ...(perSecond !== undefined && { perSecond }),
    });
    console.log(JSON.stringify({ mode: 'receive', ...report }, null, 2));
    process.exitCode = report.failed.length > 0 ? 1 : 0;
  }
} catch (error) {
  reportFailure('redrive', error);
} finally {
  sqs.destroy();
}
