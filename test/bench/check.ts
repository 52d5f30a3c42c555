import { z } from 'zod';
import type { BenchReport } from './report.js';

/** A figure that must have been measured: a duration, a rate, a size; zero or NaN means it was not. */
const positive = z.number().positive();
const count = z.int().nonnegative();

const SampleSchema = z.object({ median: positive, min: positive, max: positive, spread: z.number() });

const RatiosSchema = z
  .object({ median: positive, min: positive, max: positive, n: z.int().positive(), pairs: z.array(positive) })
  .refine((r) => r.min <= r.median && r.median <= r.max && r.pairs.length === r.n, {
    message: 'expected min <= median <= max over n pairs',
  });

/**
 * The shape `npm run bench -- --json FILE` promises (issues 5, 11, 17): today's fields, each figure
 * measured (> 0), and each ratio with its pairs. It checks that the bench ran, never whether a goal is met.
 *
 * @example
 * { "consumer": [{ "batch": 10, "ours_records_per_s": 380000, ..., "ratios": { "ours_vs_peer": { "median": 1.3, "min": 1.2, "max": 1.4, "n": 15, "pairs": [...] } } }],
 *   "memory": { "peak_rss_mb_10000": 101, ... }, "coldStart": { "consume_first_invoke_ms": 90, "peer_first_invoke_ms": 160, ... },
 *   "provision": { "ms_1_scope": 1200, "ms_50_scopes": 1400, ..., "ratios": { "scopes_50_vs_1": { ... } } } }
 */
export const BenchReportSchema = z.object({
  consumer: z
    .array(
      z.object({
        batch: z.int().positive(),
        ours_records_per_s: positive,
        unmetered_records_per_s: positive,
        peer_records_per_s: positive,
        floor_records_per_s: positive,
        ratios: z.object({
          ours_vs_peer: RatiosSchema,
          unmetered_vs_peer: RatiosSchema,
          metrics_cost: RatiosSchema,
          cost_vs_floor: RatiosSchema,
        }),
        samples: z.object({
          ours: SampleSchema,
          unmetered: SampleSchema,
          peer: SampleSchema,
          floor: SampleSchema,
        }),
      }),
    )
    .min(1),
  memory: z.object({
    peak_rss_mb_10000: positive,
    before_batch_rss_mb: positive,
    samples: z.object({ peak: SampleSchema }),
  }),
  coldStart: z.object({
    consume_bundle_bytes: positive,
    consume_first_invoke_ms: positive,
    peer_first_invoke_ms: positive,
    empty_first_invoke_ms: positive,
    provision_bundle_bytes: positive,
    peer_bundle_bytes: positive,
    empty_bundle_bytes: positive,
    ratios: z.object({
      consume_vs_peer: RatiosSchema,
      consume_vs_empty: RatiosSchema,
      peer_vs_empty: RatiosSchema,
    }),
    samples: z.object({ consume: SampleSchema, peer: SampleSchema, empty: SampleSchema }),
  }),
  provision: z.object({
    ms_1_scope: positive,
    ms_10_scopes: positive,
    ms_50_scopes: positive,
    noop_rerun_mutating_calls: count,
    latency_ms_per_call: positive,
    ratios: z.object({ scopes_50_vs_1: RatiosSchema, scopes_10_vs_1: RatiosSchema }),
    calls: z.record(z.string(), positive),
    noop_rerun_by_operation: z.record(z.string(), count),
    samples: z.record(z.string(), SampleSchema),
  }),
  reconcile: z.object({
    stores: z.int().positive(),
    concurrency: z.int().positive(),
    latency_ms_per_call: positive,
    ms_all_stores: positive,
    ms_one_store: positive,
    ms_ideal: positive,
    vs_ideal: positive,
    calls_per_store: z.object({ dynamodb: positive, bigcommerce: positive, eventbridge: positive }),
    mutating_calls: count,
    by_operation: z.record(z.string(), positive),
    one_store: SampleSchema,
  }),
});

/**
 * Why `report` is not a whole bench report, or undefined when it is. `batches` are the consumer batch
 * sizes the run asked for; each must have its row, in order.
 */
export const problemsOf = (report: BenchReport, batches: readonly number[]): string | undefined => {
  const parsed = BenchReportSchema.safeParse(report);
  if (!parsed.success) return z.prettifyError(parsed.error);
  const rows = report.consumer.map((row) => row.batch);
  if (rows.join(',') !== batches.join(',')) return `consumer rows for batches ${rows}, expected ${batches}`;
  return undefined;
};
