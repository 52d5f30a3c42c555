import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleScript } from './esbuild.js';
import { pairRatios, progress, type Ratios, type Sample, summarize } from './stats.js';

export interface ConsumerFigures {
  batch: number;
  /** The handler as deployed, its metrics published (EMF lines on stdout). */
  ours_records_per_s: number;
  /** The same handler publishing no metrics: what the metrics cost, beside the peer (which has none). */
  unmetered_records_per_s: number;
  peer_records_per_s: number;
  floor_records_per_s: number;
  /**
   * Per repetition: ours over the peer (records/s), the unmetered handler over the peer, what the metrics
   * cost (unmetered records/s over ours), and our cost per record over JSON.parse's.
   */
  ratios: {
    ours_vs_peer: Ratios;
    unmetered_vs_peer: Ratios;
    metrics_cost: Ratios;
    cost_vs_floor: Ratios;
  };
  samples: { ours: Sample; unmetered: Sample; peer: Sample; floor: Sample };
}

type Rates = Record<string, { ours: number[]; unmetered: number[]; peer: number[]; floor: number[] }>;

/**
 * Runs the bundled children/throughput.ts in a fresh node process, relaying its progress lines. Its
 * result comes on file descriptor 3; stdout carries the handler's metric lines, read and dropped as
 * Lambda's log pipe takes them (POWERTOOLS_METRICS_NAMESPACE set, as serverless.yml sets it).
 */
const runChild = (child: string, sizes: number[], reps: number) =>
  new Promise<Rates>((resolve, reject) => {
    const running = spawn(process.execPath, [child, sizes.join(','), String(reps)], {
      env: {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_NAMESPACE: 'BigCommerceWebhooksBench',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let metricLines = 0;
    running.stdout?.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) metricLines += 1;
    });
    running.stdio[3]?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    running.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      err += text;
      const last = text.trim().split('\n').at(-1);
      if (last?.startsWith('consumer:')) progress(last);
    });
    running.on('close', (code) => {
      if (code !== 0) reject(new Error(`throughput child exited ${code}: ${err}`));
      // Ours unmetered would look like ours: the figure would not say what it claims.
      else if (metricLines === 0) reject(new Error('throughput child: the consumer wrote no metric lines'));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Rates);
    });
  });

/**
 * Records per CPU-second of the consume handler (logger context, envelope parse, scope validation, dispatch
 * to a no-op handler, metrics, batch response), the same handler without metrics, the Powertools peer and
 * the JSON.parse floor on the same batches, interleaved in one process (see children/throughput.ts), with
 * each ratio computed pair by pair.
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
    const { ours = [], unmetered = [], peer = [], floor = [] } = rates[size] ?? {};
    const samples = {
      ours: summarize(ours),
      unmetered: summarize(unmetered),
      peer: summarize(peer),
      floor: summarize(floor),
    };
    return {
      batch: size,
      ours_records_per_s: Math.round(samples.ours.median),
      unmetered_records_per_s: Math.round(samples.unmetered.median),
      peer_records_per_s: Math.round(samples.peer.median),
      floor_records_per_s: Math.round(samples.floor.median),
      ratios: {
        ours_vs_peer: pairRatios(ours, peer),
        unmetered_vs_peer: pairRatios(unmetered, peer),
        metrics_cost: pairRatios(unmetered, ours),
        cost_vs_floor: pairRatios(floor, ours),
      },
      samples,
    };
  });
};
