import { describe, expect, it } from 'vitest';
import { provision } from '../../shared/provisioning/provision.js';
import { settings } from '../helpers/provision-harness.js';
import { type Chain, ONE_OF_EACH, startChain } from './chain.js';

/** Starts `count` provisions of the same store at once; each settles to its result or its error. */
const provisionAtOnce = (chain: Chain, count: number) =>
  Promise.allSettled(Array.from({ length: count }, () => provision(chain.request(), settings, chain.deps)));

describe('Provisioning the same store concurrently (sandbox + EventBridge emulator over HTTP)', () => {
  it.each([2, 3])(
    '%i provisions at the same time all succeed and create each resource once',
    async (count) => {
      // Prepare
      const chain = await startChain();
      try {
        // Every run reads "no source" before any createEventSource is answered: all of them race to make it.
        chain.sandbox.faults.add({ match: 'createEventSource', delayMs: 50, times: count });

        // Act
        const outcomes = await provisionAtOnce(chain, count);
        const resources = chain.resources();
        const created = chain.sandbox.calls.filter((call) => call.fields.includes('createEventSource'));
        const again = await provision(chain.request(), settings, chain.deps);

        // Assess
        expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(count).fill('fulfilled'));
        expect(created.length).toBeGreaterThanOrEqual(count);
        expect(chain.sandbox.state.eventSources).toHaveLength(1);
        expect(resources).toEqual(ONE_OF_EACH);
        expect(again.entries.map((entry) => entry.action)).toEqual(Array(7).fill('unchanged'));
      } finally {
        await chain.close();
      }
    },
  );

  it('two provisions racing on the webhooks alone (source, bus, rule and target exist) make one webhook per scope', async () => {
    // Prepare
    const chain = await startChain();
    try {
      await provision(chain.request(), settings, chain.deps);
      chain.sandbox.state.webhooks.length = 0;

      // Act
      const outcomes = await provisionAtOnce(chain, 2);

      // Assess
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(chain.resources()).toEqual(ONE_OF_EACH);
    } finally {
      await chain.close();
    }
  });
});
