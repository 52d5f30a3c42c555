import { writeSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import { createConsumerMetrics } from '../../../shared/metrics.js';
import { fakeContext } from '../../helpers/context.js';
import { passThroughDedupe } from '../../helpers/fake-dedupe.js';
import { createPeerHandler } from '../peer.js';
import { mixedBatch } from '../records.js';
import { benchScopes } from '../scopes.js';
import { rotation } from '../stats.js';

/**
 * Records per second of ours, the Powertools peer and the JSON.parse floor on the same batches, in this one
 * process, interleaved: each repetition times them in turns (their order rotating), so the rates of
 * one repetition form a pair for each ratio that a drift of the machine moves alike. `ours` is the handler
 * as deployed, its EMF metric lines written to stdout as Lambda's are; `unmetered` is the same handler
 * publishing no metrics, so that the pairs also give what the metrics cost.
 * `node throughput.mjs 10,100,10000 REPS` writes `{size: {ours, unmetered, peer, floor}}`, rates by
 * repetition, to file descriptor 3 (stdout carries the metric lines).
 */
const [sizesArg = '10', repsArg = '1'] = process.argv.slice(2);
const sizes = sizesArg.split(',').map(Number);
const reps = Number(repsArg);

const noop = async () => undefined;
const registry = Object.fromEntries(benchScopes.map((scope) => [scope, noop])) as HandlerRegistry;
// Dedupe is a DynamoDB round trip per event in production; here it lets everything through so the figure
// is the consumer's own cost, comparable with the peer's no-op record handler.
// Its metrics as the deployed handler's (functions/consume/handler.ts): the stage a dimension beside the rest.
const ours = createConsumeHandler({
  handlers: registry,
  dedupe: passThroughDedupe,
  metrics: createConsumerMetrics({ defaultDimensions: { stage: 'bench' } }),
});
const unmetered = createConsumeHandler({
  handlers: registry,
  dedupe: passThroughDedupe,
  metrics: { publish: () => undefined },
});
const peer = createPeerHandler(noop);
const context = fakeContext();

/**
 * Time is this process's CPU time (all its threads: V8's GC and compiler threads count), not wall time: on
 * a machine shared with other work, a process waits for a core for as long as the others keep it busy,
 * and wall time counts that wait against whichever contender it fell on. Measured under a load average of
 * 6 on 2 cores: the pairs' ratio at batch 10 spread 1.20-1.35x on CPU time, 0.93-2.13x on wall time. A
 * Lambda function's helper threads share its own vCPU, so their CPU is part of its cost there too.
 *
 * Each pair times every contender on SLICES slices of about SLICE_RECORDS records, the contenders taking
 * turns slice by slice: a burst of load on the shared machine then lands on a slice of each, not on one
 * contender's whole share, and the pair's ratio keeps its meaning.
 */
const SLICE_RECORDS = 8_000;
/**
 * At least this many batches a slice: at 10,000 records a slice of one batch is one collection's luck (five
 * runs in a row gave that batch's cost-vs-floor medians from 2.35x to 2.87x, pairs from 1.8x to 3.8x).
 */
const MIN_BATCHES_PER_SLICE = 4;
const SLICES = 5;
// No forced GC between slices: tried, a full collection before every slice halved both contenders'
// rates and widened the pairs' spread fourfold. The garbage one contender leaves is collected during the
// next one's slice instead, and the rotation spreads that cost over all three.

type Contender = 'ours' | 'unmetered' | 'peer' | 'floor';
const contenders: readonly Contender[] = ['ours', 'unmetered', 'peer', 'floor'];

const results: Record<string, Record<Contender, number[]>> = {};
for (const size of sizes) {
  const event: SQSEvent = mixedBatch(size);
  const run: Record<Contender, () => Promise<unknown>> = {
    ours: () => ours(event, context),
    unmetered: () => unmetered(event, context),
    peer: () => peer(event, context),
    floor: async () => {
      for (const record of event.Records) JSON.parse(record.body);
    },
  };
  for (const name of ['ours', 'unmetered', 'peer'] as const) {
    const answer = (await run[name]()) as { batchItemFailures: unknown[] };
    if (answer.batchItemFailures.length > 0)
      throw new Error(`batch ${size}: ${name} rejected a valid record`);
  }
  const loops = Math.max(MIN_BATCHES_PER_SLICE, Math.ceil(SLICE_RECORDS / size));
  const slice = async (name: Contender) => {
    const start = process.cpuUsage();
    for (let i = 0; i < loops; i += 1) await run[name]();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  // Unmeasured: one pair's worth of slices first, so the JIT has optimized each contender on these records.
  for (let turn = 0; turn < SLICES; turn += 1) for (const name of contenders) await slice(name);
  const entry: Record<Contender, number[]> = { ours: [], unmetered: [], peer: [], floor: [] };
  for (let rep = 0; rep < reps; rep += 1) {
    process.stderr.write(`consumer: batch ${size}, pair ${rep + 1}/${reps}\n`);
    const ms: Record<Contender, number> = { ours: 0, unmetered: 0, peer: 0, floor: 0 };
    for (let turn = 0; turn < SLICES; turn += 1) {
      for (const name of rotation(contenders, rep + turn)) ms[name] += await slice(name);
    }
    for (const name of contenders) entry[name].push((size * loops * SLICES * 1000) / ms[name]);
  }
  results[size] = entry;
}
writeSync(3, `${JSON.stringify(results)}\n`);
