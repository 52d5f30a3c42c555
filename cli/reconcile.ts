/**
 * CLI: `npm run reconcile -- [--stage <stage>] [--json]`
 * Runs the scheduled reconcile once, now, by invoking the deployed function (its code, its role, its
 * configuration), and prints per store what it repaired; exits 0 when every store converged, 1 otherwise.
 * Without --stage it invokes the offline stack's function (`npm start`: serverless offline's Lambda API on
 * 127.0.0.1:3002, stage dev); with --stage, the stage's function in AWS, with the environment's
 * credentials and region (AWS_ENDPOINT_URL_LAMBDA is honoured, as by any AWS SDK client).
 */
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SERVICE_NAME } from '../shared/ops/queues.js';
import type { ReconcileReport } from '../shared/provisioning/reconcile-all.js';
import { everyStoreConverged, formatReport } from '../shared/provisioning/reconcile-report.js';
import { usageFailure } from './usage.js';

const USAGE = `Usage: npm run reconcile -- [options]

Runs the scheduled drift repair once: every registered store back to the desired state its last POST
recorded (deactivated webhooks reactivated, a missing or drifted bus, rule or target recreated), stores
marked uninstalled torn down. Prints a line per store; exits 0 when every store converged.

  --stage <stage>   invoke bigcommerce-webhooks-<stage>-reconcile in AWS (default: the offline stack)
  --json            print the function's report as JSON instead
  -h, --help        this text`;

/** serverless offline's Lambda API under `npm start` (local/stack-config.ts PORTS.lambda). */
const OFFLINE_LAMBDA = 'http://127.0.0.1:3002';

const fail = usageFailure(USAGE);
const { values } = (() => {
  try {
    return parseArgs({
      options: {
        stage: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const offline = values.stage === undefined;
const functionName = `${SERVICE_NAME}-${values.stage ?? 'dev'}-reconcile`;
const lambda = new LambdaClient(
  offline
    ? {
        endpoint: OFFLINE_LAMBDA,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }
    : {},
);

try {
  const answer = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode('{}') }),
  );
  const text = new TextDecoder().decode(answer.Payload ?? new Uint8Array());
  if (answer.FunctionError) {
    console.error(`${functionName} failed: ${text}`);
    process.exit(1);
  }
  const report = JSON.parse(text) as ReconcileReport;
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  process.exit(everyStoreConverged(report) ? 0 : 1);
} catch (error) {
  const where = offline ? ` (is \`npm start\` running? it serves ${OFFLINE_LAMBDA})` : '';
  console.error(`could not invoke ${functionName}${where}: ${(error as Error).message}`);
  process.exit(1);
} finally {
  lambda.destroy();
}
