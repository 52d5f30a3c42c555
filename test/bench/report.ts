import type { ColdStartFigures } from './cold-start.js';
import type { ConsumerFigures } from './consumer.js';
import {
  consumerVsPeerGoal,
  GOALS,
  type Goal,
  goalText,
  judgeRange,
  judgeValue,
  type Verdict,
} from './goals.js';
import type { MemoryFigures } from './memory.js';
import type { ProvisionFigures } from './provisioning.js';
import type { ReconcileFigures } from './reconcile.js';
import { pct, type Ratios, type Sample } from './stats.js';

/** The JSON `npm run bench -- --json FILE` writes (issue 5), with details only inside nested objects. */
export interface BenchReport {
  consumer: ConsumerFigures[];
  memory: MemoryFigures;
  coldStart: ColdStartFigures;
  provision: ProvisionFigures;
  reconcile: ReconcileFigures;
}

const x = (value: number) => `${value.toFixed(2)}x`;
/** A pair ratio as the tables print it: median and min-max over the pairs. */
const range = (r: Ratios) => `${x(r.median)} (${r.min.toFixed(2)}-${r.max.toFixed(2)}, n=${r.n})`;
const shout = (verdict: Verdict) => (verdict === 'missed' ? 'MISSED' : verdict);
const judged = (goal: Goal | undefined, r: Ratios) =>
  goal ? `${goalText(goal)} ${shout(judgeRange(r, goal))}` : '(no goal)';
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const wholeKb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;
const bytesGoal = (bytes: number, goal: Goal) =>
  `${goalText(goal, wholeKb)} ${shout(judgeValue(bytes, goal))}`;
const thousands = (value: number) =>
  value >= 10_000 ? `${Math.round(value / 1000)}k` : `${Math.round(value)}`;
const withSpread = (text: string, sample: Sample) => `${text} ${pct(sample.spread)}`;
const ms = (value: number, sample: Sample) => withSpread(`${Math.round(value)} ms`, sample);

const table = (head: string[], rows: string[][]) => {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

/** Each goal's verdict: ratios on their pairs' min-max (met, missed or undecided), the rest on the figure. */
export const verdictsOf = (report: BenchReport) => ({
  consumerVsPeer: report.consumer.map((row) => {
    const goal = consumerVsPeerGoal(row.batch);
    return goal ? judgeRange(row.ratios.ours_vs_peer, goal) : undefined;
  }),
  consumerCostVsFloor: report.consumer.map((row) =>
    judgeRange(row.ratios.cost_vs_floor, GOALS.consumerCostVsFloor),
  ),
  firstInvokeVsPeer: judgeRange(report.coldStart.ratios.consume_vs_peer, GOALS.firstInvokeVsPeer),
  provision50Vs1: judgeRange(report.provision.ratios.scopes_50_vs_1, GOALS.provision50Vs1),
  consumeBundle: judgeValue(report.coldStart.consume_bundle_bytes, GOALS.consumeBundleBytes),
  provisionBundle: judgeValue(report.coldStart.provision_bundle_bytes, GOALS.provisionBundleBytes),
  noopRerun: judgeValue(report.provision.noop_rerun_mutating_calls, GOALS.noopRerunMutatingCalls),
  reconcileVsIdeal: judgeValue(report.reconcile.vs_ideal, GOALS.reconcileVsIdeal),
  reconcileNoop: judgeValue(report.reconcile.mutating_calls, GOALS.noopRerunMutatingCalls),
});

/** `8 met, 1 MISSED, 2 undecided`: every verdict of {@link verdictsOf}, counted. */
const tally = (verdicts: ReturnType<typeof verdictsOf>) => {
  const all = Object.values(verdicts).flat();
  const count = (verdict: Verdict) => all.filter((v) => v === verdict).length;
  return `${count('met')} met, ${count('missed')} MISSED, ${count('undecided')} undecided`;
};

/** The scheduled reconcile's lines: the whole no-op run against the ideal, and its calls per store. */
const reconcileSection = (r: ReconcileFigures, verdicts: ReturnType<typeof verdictsOf>) => [
  `Scheduled reconcile: a no-op run over ${r.stores} registered stores, ${r.concurrency} at a time, ${r.latency_ms_per_call} ms added to every DynamoDB, EventBridge and BigCommerce call`,
  table(
    ['', 'wall time', 'goal'],
    [
      ['one store alone', ms(r.ms_one_store, r.one_store), ''],
      [`ideal: ${r.stores} / ${r.concurrency} x one store`, `${r.ms_ideal} ms`, ''],
      [
        `all ${r.stores} stores`,
        `${r.ms_all_stores} ms (${x(r.vs_ideal)} the ideal)`,
        `${goalText(GOALS.reconcileVsIdeal)} ${shout(verdicts.reconcileVsIdeal)}`,
      ],
    ],
  ),
  `  calls per store: DynamoDB ${r.calls_per_store.dynamodb}, BigCommerce ${r.calls_per_store.bigcommerce}, EventBridge ${r.calls_per_store.eventbridge} (${Object.entries(
    r.by_operation,
  )
    .map(([operation, n]) => `${operation} ${n}`)
    .join(', ')})`,
  `  mutating calls: ${r.mutating_calls}, goal ${goalText(GOALS.noopRerunMutatingCalls, String)} ${shout(verdicts.reconcileNoop)}`,
];

/**
 * The human-readable tables for stdout. A raw figure's ± is half of (max - min) / median over its runs;
 * a ratio is the median of its pairs' ratios with their min-max, judged on that min-max.
 */
export const formatReport = (report: BenchReport, reps: string): string => {
  const { consumer, memory, coldStart: cold, provision } = report;
  const verdicts = verdictsOf(report);
  const consumerRows = consumer.map((row) => [
    String(row.batch),
    withSpread(thousands(row.ours_records_per_s), row.samples.ours),
    withSpread(thousands(row.peer_records_per_s), row.samples.peer),
    withSpread(thousands(row.floor_records_per_s), row.samples.floor),
    range(row.ratios.ours_vs_peer),
    judged(consumerVsPeerGoal(row.batch), row.ratios.ours_vs_peer),
    row.ratios.unmetered_vs_peer ? range(row.ratios.unmetered_vs_peer) : '',
    row.ratios.metrics_cost ? range(row.ratios.metrics_cost) : '',
    range(row.ratios.cost_vs_floor),
    judged(GOALS.consumerCostVsFloor, row.ratios.cost_vs_floor),
  ]);
  const scopeCounts = [1, 10, 50] as const;
  const vsOne: Record<(typeof scopeCounts)[number], Ratios | undefined> = {
    1: undefined,
    10: provision.ratios.scopes_10_vs_1,
    50: provision.ratios.scopes_50_vs_1,
  };
  return [
    `Consumer: records per CPU-second through the consume Lambda handler; ours (with and without its metrics), the peer and the floor in turns in one process (${reps})`,
    table(
      [
        'batch',
        'ours',
        'peer (Powertools)',
        'floor (JSON.parse)',
        'ours/peer',
        'goal',
        'without metrics/peer',
        'metrics cost',
        'cost vs floor',
        'goal',
      ],
      consumerRows,
    ),
    `  peak RSS, 10,000-record batch in a fresh process: ${withSpread(`${memory.peak_rss_mb_10000} MB`, memory.samples.peak)} (${memory.before_batch_rss_mb} MB before the batch)`,
    '',
    'Cold start: first invocation in a fresh process, consume, the peer and the empty handler in turn',
    table(
      ['', 'consume', 'peer (Powertools)', 'empty handler', 'goal'],
      [
        [
          'bundle',
          kb(cold.consume_bundle_bytes),
          kb(cold.peer_bundle_bytes),
          kb(cold.empty_bundle_bytes),
          bytesGoal(cold.consume_bundle_bytes, GOALS.consumeBundleBytes),
        ],
        [
          'first invocation',
          ms(cold.consume_first_invoke_ms, cold.samples.consume),
          ms(cold.peer_first_invoke_ms, cold.samples.peer),
          ms(cold.empty_first_invoke_ms, cold.samples.empty),
          '',
        ],
      ],
    ),
    `  consume/peer: ${range(cold.ratios.consume_vs_peer)}, goal ${judged(GOALS.firstInvokeVsPeer, cold.ratios.consume_vs_peer)}`,
    `  consume/empty: ${range(cold.ratios.consume_vs_empty)}; peer/empty: ${range(cold.ratios.peer_vs_empty)}`,
    `  provision bundle: ${kb(cold.provision_bundle_bytes)}, goal ${bytesGoal(cold.provision_bundle_bytes, GOALS.provisionBundleBytes)}`,
    '',
    `Provisioning: POST /provision, ${provision.latency_ms_per_call} ms added to every sandbox and emulator call, scope counts in turn`,
    table(
      ['scopes', 'wall time', 'calls', 'vs 1 scope', 'goal'],
      scopeCounts.map((size) => {
        const ratios = vsOne[size];
        const sample = provision.samples[`${size}`];
        return [
          String(size),
          sample ? ms(sample.median, sample) : '',
          String(provision.calls[`${size}`] ?? ''),
          ratios ? range(ratios) : '',
          ratios && size === 50 ? judged(GOALS.provision50Vs1, ratios) : '',
        ];
      }),
    ),
    `  no-op re-run mutating calls: ${provision.noop_rerun_mutating_calls}, goal ${goalText(GOALS.noopRerunMutatingCalls, String)} ${shout(verdicts.noopRerun)}`,
    '',
    ...reconcileSection(report.reconcile, verdicts),
    '',
    `Goals: ${tally(verdicts)}`,
  ].join('\n');
};
