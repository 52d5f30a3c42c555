import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ProvisionError } from '../../shared/provisioning/errors.js';
import { type ProvisionResult, provision } from '../../shared/provisioning/provision.js';
import { settings } from '../helpers/provision-harness.js';
import { type Chain, describeResources, ONE_OF_EACH, startChain } from './chain.js';
import { FAULT_CASES } from './fault-cases.js';

interface Outcome {
  runs: number;
  failures: ProvisionError[];
  result: ProvisionResult;
}

/** Runs provision until it succeeds (at most `max` runs), keeping each failed run's error. */
const runUntilConverged = async (chain: Chain, max = 3): Promise<Outcome> => {
  const failures: ProvisionError[] = [];
  for (let run = 1; run <= max; run += 1) {
    try {
      const result = await provision(chain.request(), settings, chain.deps);
      return { runs: run, failures, result };
    } catch (error) {
      if (!(error instanceof ProvisionError)) throw error;
      failures.push(error);
    }
  }
  throw new Error(`no convergence in ${max} runs: ${failures.map((f) => f.message).join(' | ')}`);
};

const table: Record<string, string | number>[] = [];

describe('Provisioning under injected faults (sandbox + EventBridge emulator over HTTP)', () => {
  afterAll(() => {
    const header = Object.keys(table[0] ?? {});
    const rows = [header, header.map(() => '---'), ...table.map((row) => Object.values(row).map(String))];
    console.log(
      `Provisioning fault matrix: ${table.length} faults, each at one call of the chain\n${rows
        .map((cells) => `| ${cells.join(' | ')} |`)
        .join('\n')}`,
    );
  });

  it.each(FAULT_CASES)('$call: $fault -> converges in $runs run(s)', async (fault) => {
    // Prepare
    const chain = await startChain();
    try {
      await fault.prepare?.(chain);
      chain.waits.length = 0;
      fault.inject(chain);

      // Act
      const outcome = await runUntilConverged(chain);
      if (fault.settleMs) await sleep(fault.settleMs);
      const resources = chain.resources();
      const before = chain.mutations();
      const again = await provision(chain.request(), settings, chain.deps);

      // Assess
      table.push({
        fault: fault.fault,
        call: fault.call,
        step: fault.step,
        'runs needed': outcome.runs,
        'resources at the end': describeResources(resources),
      });
      expect(chain.sandbox.faults.size).toBe(0);
      expect(chain.emulator.faults.pending().operations).toEqual([]);
      expect(outcome.runs).toBe(fault.runs);
      const [failed] = outcome.failures;
      if (fault.runs > 1) {
        expect(failed?.step).toBe(fault.step);
        expect(failed?.message.startsWith(`${fault.step}: `)).toBe(true);
        expect((failed?.cause as Error | undefined)?.name).toBe(fault.cause);
      }
      if (fault.waits) expect(chain.waits).toEqual(fault.waits);
      expect(outcome.result.converged).toBe(true);
      expect(resources).toEqual(ONE_OF_EACH);
      expect(again.entries.map((entry) => entry.action)).toEqual(Array(7).fill('unchanged'));
      expect(chain.mutations()).toBe(before);
    } finally {
      await chain.close();
    }
  });
});
