// First, before any module that builds a logger: the bench measures, it does not log.
import './quiet.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { problemsOf } from './check.js';
import { measureColdStart } from './cold-start.js';
import { measureConsumer } from './consumer.js';
import { measureMemory } from './memory.js';
import { measureProvisioning } from './provisioning.js';
import { measureReconcile } from './reconcile.js';
import { type BenchReport, formatReport } from './report.js';
import { progress } from './stats.js';

/**
 * `npm run bench [-- --quick] [-- --json FILE]`: consumer throughput against its peer and floor, the peak
 * RSS of a 10,000-record batch, cold start against the peer and an empty handler, provisioning, and a
 * no-op scheduled reconcile of 1,000 stores against (stores / concurrency) x one store, in one run; every ratio measured pair by pair. `--quick` (CI) runs small batches and one pair each, to keep the
 * bench working, not to measure. Exits non-zero when the bench could not run: a contender answered
 * wrongly, or the report is not whole (check.ts); never because a figure missed its goal.
 */
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } },
});
const quick = values.quick ?? false;
const plan = quick
  ? { batches: [10, 100], consumerPairs: 1, memoryRuns: 1, coldRounds: 1, provisionRounds: 1 }
  : { batches: [10, 100, 10_000], consumerPairs: 15, memoryRuns: 3, coldRounds: 21, provisionRounds: 9 };
// The scheduled reconcile: 1,000 stores (issue 13 §5) at 25 at a time, so the run takes ~50 s, not 200 s at
// the deployed default of 5; --quick keeps 20.
const reconcilePlan = quick
  ? { stores: 20, concurrency: 5, oneStoreRuns: 1 }
  : { stores: 1000, concurrency: 25, oneStoreRuns: 5 };
const workDir = mkdtempSync(join(tmpdir(), 'bc-bench-'));
try {
  const consumer = await measureConsumer(workDir, plan.batches, plan.consumerPairs);
  const memory = await measureMemory(workDir, 10_000, plan.memoryRuns);
  const coldStart = await measureColdStart(workDir, plan.coldRounds);
  const provision = await measureProvisioning([1, 10, 50], plan.provisionRounds, 50);
  const reconcile = await measureReconcile(
    reconcilePlan.stores,
    reconcilePlan.concurrency,
    50,
    reconcilePlan.oneStoreRuns,
  );
  const report: BenchReport = { consumer, memory, coldStart, provision, reconcile };
  progress('done');
  if (process.stderr.isTTY) process.stderr.write('\n');
  const problems = problemsOf(report, plan.batches);
  if (problems) throw new Error(`the bench report is not whole:\n${problems}`);
  const runs = quick
    ? '--quick: 1 pair each'
    : `${plan.consumerPairs} pairs per batch; ${plan.coldRounds} cold-start and ${plan.provisionRounds} provisioning rounds`;
  process.stdout.write(`${formatReport(report, runs)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
} catch (error) {
  process.stderr.write(
    `\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
