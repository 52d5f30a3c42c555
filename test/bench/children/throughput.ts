import type { SQSEvent } from 'aws-lambda';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import { fakeContext } from '../../helpers/context.js';
import { passThroughDedupe } from '../../helpers/fake-dedupe.js';
import { createPeerHandler } from '../peer.js';
import { mixedBatch } from '../records.js';
import { benchScopes } from '../scopes.js';
import { rotation, time } from '../stats.js';

/**
 * Records per second of ours, the Powertools peer and the JSON.parse floor on the same batches, in this one
 * process, interleaved: each repetition times the three back to back (their order rotating), so the rates
 * of one repetition form a pair for each ratio that a drift of the machine moves alike.
 * `node --expose-gc throughput.mjs 10,100,10000 REPS` prints `{size: {ours, peer, floor}}`, rates by
 * repetition.
 */
const [sizesArg = '10', repsArg = '1'] = process.argv.slice(2);
const sizes = sizesArg.split(',').map(Number);
const reps = Number(repsArg);

const noop = async () => undefined;
const registry = Object.fromEntries(benchScopes.map((scope) => [scope, noop])) as HandlerRegistry;
// Dedupe is a DynamoDB round trip per event in production; here it lets everything through so the figure
// is the consumer's own cost, comparable with the peer's no-op record handler.
const ours = createConsumeHandler({ handlers: registry, dedupe: passThroughDedupe });
const peer = createPeerHandler(noop);
const context = fakeContext();

/** Records per timed run: enough that one lasts tens of milliseconds, the same for every contender. */
const RECORDS_PER_RUN = 40_000;
// A contender starts on a clean heap, so none pays for the garbage the one before it left.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

type Contender = 'ours' | 'peer' | 'floor';
const contenders: readonly Contender[] = ['ours', 'peer', 'floor'];

const results: Record<string, Record<Contender, number[]>> = {};
for (const size of sizes) {
  const event: SQSEvent = mixedBatch(size);
  const run: Record<Contender, () => Promise<unknown>> = {
    ours: () => ours(event, context),
    peer: () => peer(event, context),
    floor: async () => {
      for (const record of event.Records) JSON.parse(record.body);
    },
  };
  for (const name of ['ours', 'peer'] as const) {
    const answer = (await run[name]()) as { batchItemFailures: unknown[] };
    if (answer.batchItemFailures.length > 0)
      throw new Error(`batch ${size}: ${name} rejected a valid record`);
  }
  const loops = Math.max(1, Math.ceil(RECORDS_PER_RUN / size));
  const rate = async (name: Contender, warmup: number) => {
    collect();
    const [ms = 0] = await time(
      async () => {
        for (let i = 0; i < loops; i += 1) await run[name]();
      },
      1,
      warmup,
    );
    return (size * loops * 1000) / ms;
  };
  for (const name of contenders) await rate(name, 2);
  const entry: Record<Contender, number[]> = { ours: [], peer: [], floor: [] };
  for (let rep = 0; rep < reps; rep += 1) {
    process.stderr.write(`consumer: batch ${size}, pair ${rep + 1}/${reps}\n`);
    for (const name of rotation(contenders, rep)) entry[name].push(await rate(name, 0));
  }
  results[size] = entry;
}
process.stdout.write(`${JSON.stringify(results)}\n`);
