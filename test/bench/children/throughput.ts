import type { SQSEvent } from 'aws-lambda';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import { fakeContext } from '../../helpers/context.js';
import { passThroughDedupe } from '../../helpers/fake-dedupe.js';
import { peerHandler } from '../peer.js';
import { benchScopes, mixedBatch } from '../records.js';
import { time } from '../stats.js';

/**
 * One contender's records per second, beside the JSON.parse floor timed in turn in the same process, for
 * each batch size: `tsx throughput.ts ours|peer 10,100,10000 REPS`. A process of its own per contender, as
 * in Lambda, so one's garbage and JIT state do not weigh on the other.
 */
const [contender = 'ours', sizesArg = '10', repsArg = '1'] = process.argv.slice(2);
const sizes = sizesArg.split(',').map(Number);
const reps = Number(repsArg);

const noop = async () => undefined;
const registry = Object.fromEntries(benchScopes.map((scope) => [scope, noop])) as HandlerRegistry;
// Dedupe is a DynamoDB round trip per event in production; here it lets everything through so the figure
// is the consumer's own cost, comparable with the peer's.
const ours = createConsumeHandler({ handlers: registry, dedupe: passThroughDedupe });
const context = fakeContext();
const handler = contender === 'peer' ? peerHandler : ours;

/** Enough repetitions of a batch in one timed run that a run lasts tens of milliseconds. */
const loopsFor = (size: number, records: number) => Math.max(1, Math.ceil(records / size));

const results: Record<string, { contender: number[]; floor: number[] }> = {};
for (const size of sizes) {
  const event: SQSEvent = mixedBatch(size);
  const check = await handler(event, context);
  if (check.batchItemFailures.length > 0)
    throw new Error(`batch ${size}: ${contender} rejected a valid record`);
  // The same records per timed run for both contenders, so both get the same JIT warm-up.
  const loops = loopsFor(size, 20_000);
  const floorLoops = loopsFor(size, 20_000);
  const rate = async (fn: () => unknown, n: number, warmup: number) => {
    const [ms = 0] = await time(
      async () => {
        for (let i = 0; i < n; i += 1) await fn();
      },
      1,
      warmup,
    );
    return (size * n * 1000) / ms;
  };
  const entry: { contender: number[]; floor: number[] } = { contender: [], floor: [] };
  for (let rep = 0; rep < reps; rep += 1) {
    process.stderr.write(`consumer: ${contender}, batch ${size}, rep ${rep + 1}/${reps}\n`);
    const warmup = rep === 0 ? 2 : 0;
    entry.floor.push(
      await rate(
        () => {
          for (const record of event.Records) JSON.parse(record.body);
        },
        floorLoops,
        warmup,
      ),
    );
    entry.contender.push(await rate(() => handler(event, context), loops, warmup));
  }
  results[size] = entry;
}
process.stdout.write(`${JSON.stringify(results)}\n`);
