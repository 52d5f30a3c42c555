import type { ColdStartFigures } from './cold-start.js';
import type { ConsumerFigures } from './consumer.js';
import type { MemoryFigures } from './memory.js';
import type { ProvisionFigures } from './provisioning.js';
import { pct, type Sample } from './stats.js';

/** The JSON `npm run bench -- --json FILE` writes (issue 5), with details only inside nested objects. */
export interface BenchReport {
  consumer: ConsumerFigures[];
  memory: MemoryFigures;
  coldStart: ColdStartFigures;
  provision: ProvisionFigures;
}

const ratio = (value: number) => `${value.toFixed(2)}x`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const thousands = (value: number) =>
  value >= 10_000 ? `${Math.round(value / 1000)}k` : `${Math.round(value)}`;
const withSpread = (text: string, sample: Sample) => `${text} ${pct(sample.spread)}`;

const table = (head: string[], rows: string[][]) => {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

/** The goals of issue 5 as ratios: true where the figure reaches its goal. */
export const goalsOf = (report: BenchReport) => ({
  consumerVsPeer: report.consumer.every((row) => row.ours_records_per_s >= 2 * row.peer_records_per_s),
  consumerVsFloor: report.consumer.every((row) => row.floor_records_per_s <= 4 * row.ours_records_per_s),
  consumeBundle: report.coldStart.consume_bundle_bytes <= 300 * 1024,
  firstInvoke: report.coldStart.consume_first_invoke_ms <= 1.5 * report.coldStart.empty_first_invoke_ms,
  provisionScaling: report.provision.ms_50_scopes <= 1.5 * report.provision.ms_1_scope,
  noopRerun: report.provision.noop_rerun_mutating_calls === 0,
});

/** The human-readable tables for stdout. Spreads are ±half of (max - min) / median. */
export const formatReport = (report: BenchReport, reps: string): string => {
  const { consumer, memory, coldStart: cold, provision } = report;
  const goals = goalsOf(report);
  const consumerRows = consumer.map((row) => [
    String(row.batch),
    withSpread(thousands(row.ours_records_per_s), row.samples.ours),
    withSpread(thousands(row.peer_records_per_s), row.samples.peer),
    withSpread(thousands(row.floor_records_per_s), row.samples.floor),
    ratio(row.ours_records_per_s / row.peer_records_per_s),
    ratio(row.floor_records_per_s / row.ours_records_per_s),
  ]);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const ms = (value: number, sample?: Sample) =>
    sample ? withSpread(`${Math.round(value)} ms`, sample) : `${Math.round(value)} ms`;
  return [
    `Consumer: records/s through the consume Lambda handler (median of ${reps})`,
    table(
      [
        'batch',
        'ours',
        'peer (Powertools)',
        'floor (JSON.parse)',
        'ours/peer (>=2x)',
        'cost vs floor (<=4x)',
      ],
      consumerRows,
    ),
    `  goals: ours >= 2x peer ${verdict(goals.consumerVsPeer)}; per-record cost <= 4x floor ${verdict(goals.consumerVsFloor)}`,
    `  peak RSS, 10,000-record batch in a fresh process: ${withSpread(`${memory.peak_rss_mb_10000} MB`, memory.samples.peak)} (${memory.before_batch_rss_mb} MB before the batch)`,
    '',
    'Cold start',
    table(
      ['', 'consume', 'empty handler', 'ratio', 'goal'],
      [
        [
          'bundle',
          kb(cold.consume_bundle_bytes),
          kb(cold.empty_bundle_bytes),
          '',
          `<= 300 KB ${verdict(goals.consumeBundle)}`,
        ],
        [
          'first invocation',
          ms(cold.consume_first_invoke_ms, cold.samples.consume),
          ms(cold.empty_first_invoke_ms, cold.samples.empty),
          ratio(cold.consume_first_invoke_ms / cold.empty_first_invoke_ms),
          `<= 1.5x ${verdict(goals.firstInvoke)}`,
        ],
      ],
    ),
    `  provision bundle: ${kb(cold.provision_bundle_bytes)}`,
    '',
    `Provisioning: POST /provision, ${provision.latency_ms_per_call} ms added to every sandbox and emulator call`,
    table(
      ['scopes', 'wall time', 'calls', 'vs 1 scope'],
      ([1, 10, 50] as const).map((size) => [
        String(size),
        ms(provision.samples[`${size}`]?.median ?? 0, provision.samples[`${size}`]),
        String(provision.calls[`${size}`] ?? ''),
        ratio((provision.samples[`${size}`]?.median ?? 0) / provision.ms_1_scope),
      ]),
    ),
    `  goals: 50 scopes <= 1.5x 1 scope ${verdict(goals.provisionScaling)}; no-op re-run mutating calls: ${provision.noop_rerun_mutating_calls} ${verdict(goals.noopRerun)}`,
  ].join('\n');
};
