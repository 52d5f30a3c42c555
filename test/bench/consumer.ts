import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleScript } from './esbuild.js';
import { progress, type Sample, summarize } from './stats.js';

export interface ConsumerFigures {
  batch: number;
  ours_records_per_s: number;
  peer_records_per_s: number;
  floor_records_per_s: number;
  samples: { ours: Sample; peer: Sample; floor: Sample };
}

type Rates = Record<string, { contender: number[]; floor: number[] }>;

/** Runs the bundled children/throughput.ts for one contender in a fresh node process, relaying its progress lines. */
const runChild = (child: string, contender: 'ours' | 'peer', sizes: number[], reps: number) =>
  new Promise<Rates>((resolve, reject) => {
    const running = spawn(process.execPath, [child, contender, sizes.join(','), String(reps)], {
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
      else reject(new Error(`throughput child (${contender}) exited ${code}: ${err}`));
    });
  });

/**
 * Records per second of the consume handler (middleware, logger, envelope parse, scope validation, dispatch
 * to a no-op handler, batch response), the Powertools peer and the JSON.parse floor on the same batches.
 * Ours and the peer each run in a fresh process; the floor is timed in turn with ours, in its process.
 */
export const measureConsumer = async (
  workDir: string,
  sizes: number[],
  reps: number,
): Promise<ConsumerFigures[]> => {
  const child = join(workDir, 'throughput.mjs');
  await bundleScript(new URL('./children/throughput.ts', import.meta.url).pathname, child);
  const ours = await runChild(child, 'ours', sizes, reps);
  const peer = await runChild(child, 'peer', sizes, reps);
  return sizes.map((size) => {
    const oursSample = summarize(ours[size]?.contender ?? []);
    const peerSample = summarize(peer[size]?.contender ?? []);
    const floor = summarize(ours[size]?.floor ?? []);
    return {
      batch: size,
      ours_records_per_s: Math.round(oursSample.median),
      peer_records_per_s: Math.round(peerSample.median),
      floor_records_per_s: Math.round(floor.median),
      samples: { ours: oursSample, peer: peerSample, floor },
    };
  });
};
