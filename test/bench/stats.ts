/** Median and spread of repeated measurements: figures alone mean little on a shared, noisy machine. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median, as a fraction. */
  spread: number;
}

const medianOf = (sorted: readonly number[]): number => {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export const summarize = (values: number[]): Sample => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = medianOf(sorted);
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return { median, min, max, spread: median === 0 ? 0 : (max - min) / median };
};

/**
 * A ratio measured pair by pair: each pair's two contenders were timed back to back, so a drift of the
 * machine between pairs moves both alike and cancels in that pair's ratio. `pairs` in measuring order.
 */
export interface Ratios {
  median: number;
  min: number;
  max: number;
  n: number;
  pairs: number[];
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** The ratio `numerator[i] / denominator[i]` of each pair i, summarized. */
export const pairRatios = (numerator: readonly number[], denominator: readonly number[]): Ratios => {
  if (numerator.length !== denominator.length || numerator.length === 0) {
    throw new Error(`pair ratios need pairs: ${numerator.length} against ${denominator.length} values`);
  }
  const pairs = numerator.map((value, i) => value / (denominator[i] ?? Number.NaN));
  const sorted = [...pairs].sort((a, b) => a - b);
  return {
    median: round3(medianOf(sorted)),
    min: round3(sorted[0] ?? 0),
    max: round3(sorted[sorted.length - 1] ?? 0),
    n: pairs.length,
    pairs: pairs.map(round3),
  };
};

/**
 * Position `rep` of a rotation of `contenders`: over as many repetitions as there are contenders each one
 * runs first, second, ..., once, so no contender always pays (or always escapes) what running after
 * another costs.
 */
export const rotation = <T>(contenders: readonly T[], rep: number): T[] => {
  const shift = rep % contenders.length;
  return [...contenders.slice(shift), ...contenders.slice(0, shift)];
};

/** A progress line on stderr that rewrites itself, so stdout keeps only the table. */
export const progress = (message: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message}`);
  else process.stderr.write(`${message}\n`);
};

export const pct = (fraction: number) => `±${Math.round(fraction * 50)}%`;
