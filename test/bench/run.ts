// First, before any module that builds a logger: the bench measures, it does not log.
import './quiet.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureColdStart } from './cold-start.js';
import { measureConsumer } from './consumer.js';
import { measureMemory } from './memory.js';
import { measureProvisioning } from './provisioning.js';
import { type BenchReport, formatReport } from './report.js';
import { progress } from './stats.js';

/**
 * `npm run bench [-- --quick] [-- --json FILE]`: consumer throughput against its peer and floor, the peak
 * RSS of a 10,000-record batch, cold start and provisioning, in one run. `--quick` (CI) runs small batches
 * once each, to keep the bench working, not to measure.
 */
const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } },
});
const quick = values.quick ?? false;
const reps = quick ? 1 : 7;
const workDir = mkdtempSync(join(tmpdir(), 'bc-bench-'));
try {
  const consumer = await measureConsumer(workDir, quick ? [10, 100] : [10, 100, 10_000], reps);
  const memory = await measureMemory(workDir, 10_000, quick ? 1 : 3);
  const coldStart = await measureColdStart(workDir, quick ? 1 : 7);
  const provision = await measureProvisioning([1, 10, 50], quick ? 1 : 5, 50);
  const report: BenchReport = { consumer, memory, coldStart, provision };
  progress('done');
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(`${formatReport(report, quick ? '1 run (--quick)' : `${reps} runs`)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
