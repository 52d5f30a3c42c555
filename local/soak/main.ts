/**
 * `npm run soak -- [--events N] [--rate R] [--duplicates P] [--seed S] [--json FILE] [--log FILE]
 * [--store-quota N] [--function-timeout S] [--visibility-timeout S] [--handler-failures P]
 * [--delivery-failures P] [--undeliverable P] [--crash-rate P] [--dedupe-outage SECONDS]`: the whole chain offline under load
 * (defaults: 10,000 events, 10 % fired twice, as fast as the stack takes them). Prints the figures, writes
 * them as JSON to FILE when asked, and exits 1 when an event was lost or its handler ran twice (or the DLQ
 * holds anything but the schema violations, intact), or when a fault asked for never happened.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeFault, faultsNotExercised } from './faults.js';
import { runSoak } from './run.js';
import { held } from './tally.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '0' },
    duplicates: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '1' },
    json: { type: 'string' },
    log: { type: 'string' },
    'store-quota': { type: 'string' },
    'function-timeout': { type: 'string', default: '5' },
    'visibility-timeout': { type: 'string' },
    'handler-failures': { type: 'string', default: '0' },
    'delivery-failures': { type: 'string', default: '0' },
    undeliverable: { type: 'string', default: '0' },
    'crash-rate': { type: 'string', default: '0' },
    'dedupe-outage': { type: 'string', default: '0' },
  },
});

const number = (name: string, value: string, max = Number.POSITIVE_INFINITY) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > max) {
    process.stderr.write(`--${name} must be a number between 0 and ${max}; got ${value}\n`);
    process.exit(2);
  }
  return parsed;
};

const options = {
  events: Math.floor(number('events', args.events)),
  rate: number('rate', args.rate),
  duplicates: number('duplicates', args.duplicates, 1),
  seed: Math.floor(number('seed', args.seed)),
  consumeTimeoutSeconds: Math.max(1, Math.floor(number('function-timeout', args['function-timeout'], 900))),
  ...(args['visibility-timeout'] !== undefined && {
    visibilityTimeoutSeconds: Math.floor(number('visibility-timeout', args['visibility-timeout'], 43_200)),
  }),
  ...(args['store-quota'] !== undefined && {
    storeQuota: Math.floor(number('store-quota', args['store-quota'])),
  }),
  faults: {
    handlerFailures: number('handler-failures', args['handler-failures'], 1),
    deliveryFailures: number('delivery-failures', args['delivery-failures'], 1),
    undeliverable: number('undeliverable', args.undeliverable, 1),
    crashRate: number('crash-rate', args['crash-rate'], 1),
    dedupeOutageSeconds: number('dedupe-outage', args['dedupe-outage'], 3_600),
  },
};

// AWS refuses an SQS trigger whose queue's visibility timeout is under the function's timeout: a record
// would come back while its first run may still be working.
if (
  options.visibilityTimeoutSeconds !== undefined &&
  options.visibilityTimeoutSeconds < options.consumeTimeoutSeconds
) {
  process.stderr.write(
    `--visibility-timeout (${options.visibilityTimeoutSeconds}) must be at least --function-timeout (${options.consumeTimeoutSeconds}), as AWS requires\n`,
  );
  process.exit(2);
}

say('soak: starting the offline stack (serverless offline bundles the functions first; ~10 s)...');
const begun = Date.now();
const logFile = args.log ? createWriteStream(args.log) : undefined;
const result = await runSoak({
  ...options,
  say,
  functionLine: logFile && ((line) => logFile.write(`${line}\n`)),
});
logFile?.end();
const { figures } = result;
say(`
soak: ${figures.fired} events fired (${figures.firedCopies} copies with duplicates), seed ${options.seed}
  handled (handler ran)          ${figures.handled}
  acknowledged, no handler       ${figures.acknowledgedNoHandler}
  in the DLQ (violations)        ${figures.dlq}
  in the DLQ, undeliverable      ${figures.targetDlq}  (EventBridge gave up: the rule target's DLQ)
  lost                           ${figures.lost}${figures.examples.lost.length ? ` (ids ${figures.examples.lost.join(', ')})` : ''}
  handler ran twice              ${figures.doubled}${figures.examples.doubled.length ? ` (ids ${figures.examples.doubled.join(', ')})` : ''}
  wrong outcome                  ${figures.unexpected}${figures.examples.unexpected.length ? ` (ids ${figures.examples.unexpected.join(', ')})` : ''}
  DLQ bodies altered             ${figures.altered}
  fired -> handled latency       p50 ${figures.latencyMs.p50} ms, p95 ${figures.latencyMs.p95} ms, p99 ${figures.latencyMs.p99} ms
  sustained                      ${figures.eventsPerSecond} events/s
  queue quiet after              ${(result.durationMs / 1000).toFixed(1)} s${result.drained ? '' : ' (TIMED OUT: the queue never drained)'}
  whole run                      ${((Date.now() - begun) / 1000).toFixed(1)} s`);
if (result.failedInvocations.count > 0)
  say(
    `  invocations that failed whole  ${result.failedInvocations.count} (first: ${result.failedInvocations.first}); a \`Cannot find module\` means another serverless run in this work tree replaced the bundle`,
  );
for (const [fault, row] of Object.entries(result.faults))
  say(`  fault ${fault.padEnd(24)} ${describeFault(row as Record<string, unknown>)}`);
if (args.json) {
  const { examples: _examples, ...counts } = figures;
  writeFileSync(
    args.json,
    `${JSON.stringify({ ...counts, faults: result.faults, durationMs: result.durationMs, failedInvocations: result.failedInvocations.count, options }, null, 2)}\n`,
  );
}
const missed = faultsNotExercised(result.faults);
if (missed.length > 0)
  say(`  faults asked for that never happened or left events unaccounted: ${missed.join(', ')}`);
const ok = held(figures) && result.drained && missed.length === 0;
say(ok ? '\nsoak: held (0 lost, 0 doubled, DLQ exactly the violations)' : '\nsoak: FAILED');
process.exit(ok ? 0 : 1);
