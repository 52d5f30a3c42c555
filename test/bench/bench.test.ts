import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const positive = expect.any(Number);

let dir: string;
let stdout: string;
let report: Record<string, unknown> & {
  consumer: Record<string, number>[];
  memory: Record<string, number>;
  coldStart: Record<string, number>;
  provision: Record<string, number>;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bc-bench-test-'));
  const json = join(dir, 'bench.json');
  ({ stdout } = await promisify(execFile)('npx', ['tsx', 'test/bench/run.ts', '--quick', '--json', json], {
    cwd: ROOT,
    timeout: 280_000,
    maxBuffer: 16 * 1024 * 1024,
  }));
  report = JSON.parse(readFileSync(json, 'utf8'));
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Bench: npm run bench -- --quick --json FILE', () => {
  it('writes the JSON shape of issue 5', () => {
    expect(Object.keys(report).sort()).toEqual(['coldStart', 'consumer', 'memory', 'provision']);
    expect(report.consumer.map((row) => row.batch)).toEqual([10, 100]);
    for (const row of report.consumer) {
      expect(row).toMatchObject({
        ours_records_per_s: positive,
        peer_records_per_s: positive,
        floor_records_per_s: positive,
      });
    }
    expect(report.memory).toMatchObject({ peak_rss_mb_10000: positive });
    expect(report.coldStart).toMatchObject({
      consume_bundle_bytes: positive,
      consume_first_invoke_ms: positive,
      empty_first_invoke_ms: positive,
      provision_bundle_bytes: positive,
    });
    expect(report.provision).toMatchObject({
      ms_1_scope: positive,
      ms_10_scopes: positive,
      ms_50_scopes: positive,
      noop_rerun_mutating_calls: expect.any(Number),
    });
  });

  it('reports plausible figures', () => {
    for (const row of report.consumer) {
      for (const key of ['ours_records_per_s', 'peer_records_per_s', 'floor_records_per_s']) {
        expect(row[key]).toBeGreaterThan(0);
      }
    }
    // A 10,000-record batch cannot fit in less than its own bodies, nor needs gigabytes.
    expect(report.memory.peak_rss_mb_10000).toBeGreaterThan(10);
    expect(report.memory.peak_rss_mb_10000).toBeLessThan(2048);
    // The consume bundle is real code, far bigger than an empty handler, and excludes the AWS SDK.
    expect(report.coldStart.consume_bundle_bytes).toBeGreaterThan(20 * 1024);
    expect(report.coldStart.consume_bundle_bytes).toBeLessThan(5 * 1024 * 1024);
    expect(report.coldStart.provision_bundle_bytes).toBeGreaterThan(20 * 1024);
    // Each provisioning run makes several calls, each delayed 50 ms.
    expect(report.provision.ms_1_scope).toBeGreaterThan(50);
    expect(report.provision.noop_rerun_mutating_calls).toBe(0);
  });

  it('prints a table of the three parts on stdout', () => {
    expect(stdout).toContain('Consumer');
    expect(stdout).toContain('Cold start');
    expect(stdout).toContain('Provisioning');
  });
});
