/** Median and spread of repeated measurements: figures alone mean little on a shared, noisy machine. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median, as a fraction. */
  spread: number;
}

export const summarize = (values: number[]): Sample => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return { median, min, max, spread: median === 0 ? 0 : (max - min) / median };
};

/** Runs `fn` `reps` times after `warmup` unmeasured runs and returns each run's duration in ms. */
export const time = async (
  fn: () => Promise<unknown> | unknown,
  reps: number,
  warmup = 1,
): Promise<number[]> => {
  for (let i = 0; i < warmup; i += 1) await fn();
  const durations: number[] = [];
  for (let i = 0; i < reps; i += 1) {
    const start = process.hrtime.bigint();
    await fn();
    durations.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return durations;
};

/** A progress line on stderr that rewrites itself, so stdout keeps only the table. */
export const progress = (message: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message}`);
  else process.stderr.write(`${message}\n`);
};

export const pct = (fraction: number) => `±${Math.round(fraction * 50)}%`;
