import type { SQSEvent } from 'aws-lambda';
import type { HandlerRegistry } from '../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../functions/consume/lambda.js';
import { fakeContext } from '../helpers/context.js';
import { passThroughDedupe } from '../helpers/fake-dedupe.js';
import { peerHandler } from './peer.js';
import { benchScopes, mixedBatch } from './records.js';
import { progress, type Sample, summarize, time } from './stats.js';

const noop = async () => undefined;
const registry = Object.fromEntries(benchScopes.map((scope) => [scope, noop])) as HandlerRegistry;

export interface ConsumerFigures {
  batch: number;
  ours_records_per_s: number;
  peer_records_per_s: number;
  floor_records_per_s: number;
  samples: { ours: Sample; peer: Sample; floor: Sample };
}

/** Enough repetitions of a batch in one timed run that a run lasts tens of milliseconds. */
const innerLoops = (size: number) => Math.max(1, Math.ceil(2000 / size));

/** Records per second of the consume handler, the Powertools peer and the JSON.parse floor on one batch. */
export const measureConsumer = async (sizes: number[], reps: number): Promise<ConsumerFigures[]> => {
  // Dedupe is a DynamoDB round trip per event in production; here it lets everything through so the figure
  // is the consumer's own cost, comparable with the peer's.
  const ours = createConsumeHandler({ handlers: registry, dedupe: passThroughDedupe });
  const context = fakeContext();
  const figures: ConsumerFigures[] = [];
  for (const size of sizes) {
    const event: SQSEvent = mixedBatch(size);
    const check = [await ours(event, context), await peerHandler(event, context)];
    if (check.some((response) => response.batchItemFailures.length > 0)) {
      throw new Error(`batch ${size}: a consumer rejected a valid record`);
    }
    const loops = innerLoops(size);
    const rate = (durations: number[]) => summarize(durations.map((ms) => (size * loops * 1000) / ms));
    const run = async (label: string, fn: () => Promise<unknown> | unknown) => {
      progress(`consumer: batch ${size}, ${label}`);
      return rate(
        await time(async () => {
          for (let i = 0; i < loops; i += 1) await fn();
        }, reps),
      );
    };
    const floor = await run('floor', () => {
      for (const record of event.Records) JSON.parse(record.body);
    });
    const oursSample = await run('ours', () => ours(event, context));
    const peerSample = await run('peer', () => peerHandler(event, context));
    figures.push({
      batch: size,
      ours_records_per_s: Math.round(oursSample.median),
      peer_records_per_s: Math.round(peerSample.median),
      floor_records_per_s: Math.round(floor.median),
      samples: { ours: oursSample, peer: peerSample, floor },
    });
  }
  return figures;
};
