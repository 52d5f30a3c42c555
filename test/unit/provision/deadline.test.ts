import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutOfTimeError, ProvisionError } from '../../../shared/provisioning/errors.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { untilTurns } from '../../helpers/event-loop.js';
import { type ProvisionHarness, settings, startProvisionHarness } from '../../helpers/provision-harness.js';

describe('Function: provision, the invocation deadline', () => {
  let h: ProvisionHarness;

  beforeEach(async () => {
    h = await startProvisionHarness();
  });

  afterEach(async () => {
    vi.useRealTimers();
    await h.close();
  });

  it('stops a run still waiting at its deadline with the step and the entries done, and the next run converges', async () => {
    // Prepare: BigCommerce answers one webhook creation after 1.5 s; the invocation has 400 ms. Timers and
    // Date are fake, so the deadline and the late answer come when the test moves the clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    h.sandbox.faults.add({ match: 'createEventBridgeWebhook', delayMs: 1_500 });
    const creating = () => h.sandbox.calls.some((call) => call.fields.includes('createEventBridgeWebhook'));

    // Act
    const first = provision(h.request(), { ...settings, deadline: Date.now() + 400 }, h.deps).catch(
      (caught: unknown) => caught,
    );
    await untilTurns(creating);
    await vi.advanceTimersByTimeAsync(400);
    const error = await first;
    const webhooksAtDeadline = h.sandbox.state.webhooks.length;
    await vi.advanceTimersByTimeAsync(1_100);
    await untilTurns(() => h.sandbox.state.webhooks.length === 3);
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
    expect(webhooksAtDeadline).toBeLessThan(3);
    expect(next.converged).toBe(true);
    expect(h.sandbox.state.webhooks).toHaveLength(3);
  });

  it('reports a run whose read-back the deadline stops as interrupted, with what it did, not as drift', async () => {
    // Prepare: the webhook listing after the run's creations (the verifying read) never answers
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const graphqlFor = h.deps.graphqlFor;
    let created = false;
    let verifying = false;
    h.deps.graphqlFor = async (storeHash) => {
      const gql = await graphqlFor(storeHash);
      return {
        ...gql,
        request: (document, variables, schema) => {
          if (document.includes('createEventBridgeWebhook')) created = true;
          else if (created && document.includes('listWebhooks')) {
            verifying = true;
            return new Promise<never>(() => undefined);
          }
          return gql.request(document, variables, schema);
        },
      };
    };

    // Act
    const run = provision(h.request(), { ...settings, deadline: Date.now() + 400 }, h.deps).catch(
      (caught: unknown) => caught,
    );
    await untilTurns(() => verifying);
    await vi.advanceTimersByTimeAsync(400);
    const error = await run;

    // Assess
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).cause).toBeInstanceOf(OutOfTimeError);
    expect((error as ProvisionError).entries.map((entry) => `${entry.resource} ${entry.action}`)).toEqual([
      'source created',
      'bus created',
      'rule created',
      'target created',
      'webhook created',
      'webhook created',
      'webhook created',
    ]);
  });

  it('does not interfere with a run that finishes in time', async () => {
    const result = await provision(h.request(), { ...settings, deadline: Date.now() + 10_000 }, h.deps);
    expect(result.converged).toBe(true);
  });
});
