import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleScript } from './esbuild.js';
import { pairRatios, progress, type Ratios, type Sample, summarize } from './stats.js';

export interface ConsumerFigures {
  batch: number;
  ours_records_per_s: number;
  peer_records_per_s: number;
  floor_records_per_s: number;
  /** Per repetition: ours over the peer (records/s), and our cost per record over JSON.parse's. */
  ratios: { ours_vs_peer: Ratios; cost_vs_floor: Ratios };
  samples: { ours: Sample; peer: Sample; floor: Sample };
}

type Rates = Record<string, { ours: number[]; peer: number[]; floor: number[] }>;

/** Runs the bundled children/throughput.ts in a fresh node process, relaying its progress lines. */
const runChild = (child: string, sizes: number[], reps: number) =>
  new Promise<Rates>((resolve, reject) => {
    const running = spawn(process.execPath, [child, sizes.join(','), String(reps)], {
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    running.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    running.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      err += text;
      const last = text.trim().split('\n').at(-1);
      if (last?.startsWith('consumer:')) progress(last);
    });
    running.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Rates);
      else reject(new Error(`throughput child exited ${code}: ${err}`));
    });
  });

/**
 * Records per CPU-second of the consume handler (middleware, logger, envelope parse, scope validation, dispatch
 * to a no-op handler, batch response), the Powertools peer and the JSON.parse floor on the same batches,
 * interleaved in one process (see children/throughput.ts), with each ratio computed pair by pair.
 */
export const measureConsumer = async (
  workDir: string,
  sizes: number[],
  reps: number,
): Promise<ConsumerFigures[]> => {
  const child = join(workDir, 'throughput.mjs');
  await bundleScript(new URL('./children/throughput.ts', import.meta.url).pathname, child);
  const rates = await runChild(child, sizes, reps);
  return sizes.map((size) => {
    const { ours = [], peer = [], floor = [] } = rates[size] ?? {};
    const oursSample = summarize(ours);
    const peerSample = summarize(peer);
    const floorSample = summarize(floor);
    return {
      batch: size,
      ours_records_per_s: Math.round(oursSample.median),
      peer_records_per_s: Math.round(peerSample.median),
      floor_records_per_s: Math.round(floorSample.median),
      ratios: { ours_vs_peer: pairRatios(ours, peer), cost_vs_floor: pairRatios(floor, ours) },
      samples: { ours: oursSample, peer: peerSample, floor: floorSample },
    };
  });
};
