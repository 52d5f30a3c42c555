import { describe, expect, it } from 'vitest';
import { problemsOf } from './check.js';
import type { BenchReport } from './report.js';
import { pairRatios, summarize } from './stats.js';

const sample = summarize([2, 3, 4]);
const ratios = pairRatios([2, 3], [1, 2]);

/** A whole report as run.ts builds it, every figure measured. */
const wholeReport = (): BenchReport => ({
  consumer: [10, 100].map((batch) => ({
    batch,
    ours_records_per_s: 380_000,
    peer_records_per_s: 260_000,
    floor_records_per_s: 1_000_000,
    unmetered_records_per_s: 360_000,
    ratios: { ours_vs_peer: ratios, unmetered_vs_peer: ratios, metrics_cost: ratios, cost_vs_floor: ratios },
    samples: { ours: sample, unmetered: sample, peer: sample, floor: sample },
  })),
  memory: { peak_rss_mb_10000: 101, before_batch_rss_mb: 74, samples: { peak: sample } },
  coldStart: {
    consume_bundle_bytes: 164_000,
    consume_first_invoke_ms: 95,
    peer_first_invoke_ms: 190,
    empty_first_invoke_ms: 50,
    provision_bundle_bytes: 400_000,
    peer_bundle_bytes: 550_000,
    empty_bundle_bytes: 600,
    ratios: { consume_vs_peer: ratios, consume_vs_empty: ratios, peer_vs_empty: ratios },
    samples: { consume: sample, peer: sample, empty: sample },
  },
  provision: {
    ms_1_scope: 1200,
    ms_10_scopes: 1250,
    ms_50_scopes: 1400,
    noop_rerun_mutating_calls: 0,
    latency_ms_per_call: 50,
    ratios: { scopes_50_vs_1: ratios, scopes_10_vs_1: ratios },
    calls: { '1': 23, '10': 23, '50': 27 },
    noop_rerun_by_operation: {},
    samples: { '1': sample, '10': sample, '50': sample },
  },
  reconcile: {
    stores: 1000,
    concurrency: 25,
    latency_ms_per_call: 50,
    ms_all_stores: 52_000,
    ms_one_store: 1200,
    ms_ideal: 48_000,
    vs_ideal: 1.08,
    calls_per_store: { dynamodb: 4, bigcommerce: 2, eventbridge: 7 },
    mutating_calls: 0,
    by_operation: { 'EventBridge DescribeRule': 2 },
    one_store: sample,
  },
});

// run.ts exits non-zero on what these refuse: the bench must have run, whatever its figures.
describe('Bench: the report check of run.ts', () => {
  it('accepts a whole report, whatever its goals say', () => {
    // Prepare: ours slower than the peer and a bundle over its goal are figures, not failures.
    const report = wholeReport();
    report.coldStart.consume_first_invoke_ms = 500;
    report.coldStart.provision_bundle_bytes = 2_000_000;

    // Act / Assess
    expect(problemsOf(report, [10, 100])).toBeUndefined();
  });

  it('refuses a figure that was not measured (zero is not positive)', () => {
    const report = wholeReport();
    report.coldStart.peer_first_invoke_ms = 0;

    expect(problemsOf(report, [10, 100])).toMatch(/peer_first_invoke_ms/);
  });

  it('refuses a ratio whose pairs do not match its count', () => {
    const report = wholeReport();
    report.provision.ratios.scopes_50_vs_1 = { ...ratios, n: 3 };

    expect(problemsOf(report, [10, 100])).toMatch(/n pairs/);
  });

  it('refuses a report missing a batch size the run asked for', () => {
    expect(problemsOf(wholeReport(), [10, 100, 10_000])).toMatch(/expected 10,100,10000/);
  });
});
