import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleLike } from './esbuild.js';
import { progress, type Sample, summarize } from './stats.js';

export interface MemoryFigures {
  /** Median over the repetitions of the child's peak RSS. */
  peak_rss_mb_10000: number;
  /** RSS once the handler is built and the batch is in memory, before it is processed. */
  before_batch_rss_mb: number;
  samples: { peak: Sample };
}

/**
 * Peak RSS of one consume invocation on a batch of `size` records, each repetition in a fresh node process
 * running a bundle built like the function's (pass-through dedupe, no-op handlers).
 */
export const measureMemory = async (workDir: string, size: number, reps: number): Promise<MemoryFigures> => {
  const bundle = join(workDir, 'rss-child.cjs');
  await bundleLike(new URL('./children/rss.ts', import.meta.url).pathname, bundle);
  const peaks: number[] = [];
  const befores: number[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    progress(`memory: batch ${size}, rep ${rep + 1}/${reps}`);
    const { stdout } = await promisify(execFile)(process.execPath, [bundle, String(size)], {
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      timeout: 120_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      before?: number;
      peak?: number;
      failures?: number;
    };
    if (result.peak === undefined || result.before === undefined || result.failures !== 0) {
      throw new Error(`memory child: unexpected output ${stdout}`);
    }
    peaks.push(result.peak);
    befores.push(result.before);
  }
  const peak = summarize(peaks);
  return {
    peak_rss_mb_10000: peak.median,
    before_batch_rss_mb: summarize(befores).median,
    samples: { peak },
  };
};
