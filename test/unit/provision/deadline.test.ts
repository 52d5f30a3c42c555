import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutOfTimeError, ProvisionError } from '../../../shared/provisioning/errors.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { type ProvisionHarness, settings, startProvisionHarness } from '../../helpers/provision-harness.js';

describe('Function: provision, the invocation deadline', () => {
  let h: ProvisionHarness;

  beforeEach(async () => {
    h = await startProvisionHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('stops a run still waiting at its deadline with the step and the entries done, and the next run converges', async () => {
    // Prepare: BigCommerce answers the webhook creation after 1.5 s; the invocation has 400 ms.
    h.sandbox.faults.add({ match: 'createEventBridgeWebhook', delayMs: 1_500 });

    // Act
    const error = await provision(h.request(), { ...settings, deadline: Date.now() + 400 }, h.deps).catch(
      (caught: unknown) => caught,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const next = await provision(h.request(), settings, h.deps);

    // Assess
    expect(error).toBeInstanceOf(ProvisionError);
    expect(error).toMatchObject({ step: 'webhooks' });
    expect((error as ProvisionError).cause).toBeInstanceOf(OutOfTimeError);
    expect((error as ProvisionError).entries.map((entry) => entry.resource)).toEqual([
      'source',
      'bus',
      'rule',
      'target',
    ]);
    expect(next.converged).toBe(true);
    expect(h.sandbox.state.webhooks).toHaveLength(3);
  });

  it('does not interfere with a run that finishes in time', async () => {
    const result = await provision(h.request(), { ...settings, deadline: Date.now() + 10_000 }, h.deps);
    expect(result.converged).toBe(true);
  });
});
