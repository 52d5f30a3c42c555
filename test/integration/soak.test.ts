import { describe, expect, it } from 'vitest';
import { runSoak } from '../../local/soak/run.js';

/**
 * A short soak of the whole chain as `npm start` runs it: the consume bundle under serverless offline,
 * events fired by the sandbox through the EventBridge emulator and local-aws-sqs, duplicates included,
 * a share of the handlers failing their first attempts (their BigCommerce fetch answers 503), a share
 * of EventBridge's deliveries to the queue failing (retried by the emulator), and a share of invocations
 * killed mid-batch at their timeout (serverless offline terminates the worker thread running them).
 * serverless offline runs in the soak's own copy of the tree, so another test file's `serverless package`
 * cannot replace its bundle mid-run.
 */

describe('Soak: a short one', () => {
  it('loses nothing, runs no handler twice, and dead-letters exactly the schema violations, with duplicates, failing handlers, failing deliveries and killed invocations', async () => {
    // Act: the functions' lines kept, for a failure's message
    const lines: string[] = [];
    const result = await runSoak({
      functionLine: (line) => lines.push(line),
      events: 200,
      duplicates: 0.2,
      seed: 11,
      faults: { handlerFailures: 0.1, deliveryFailures: 0.1, crashRate: 0.3 },
      ports: {
        sqs: 0,
        eventBridge: 0,
        sandbox: 0,
        dynamodb: 0,
        http: 0,
        lambda: 0,
      },
    });

    // Assess
    const { figures } = result;
    expect(result.drained).toBe(true);
    expect(figures.fired).toBe(200);
    expect(figures.firedCopies).toBeGreaterThan(220);
    // On failure: which events, what failed whole, the faults, and the functions' first error lines.
    const why = JSON.stringify({
      examples: figures.examples,
      failedInvocations: result.failedInvocations,
      faults: result.faults,
      errors: lines.filter((line) => line.includes('"level":"ERROR"')).slice(0, 20),
    });
    expect(figures, why).toMatchObject({ lost: 0, doubled: 0, unexpected: 0, altered: 0 });
    expect(figures.dlq).toBeGreaterThan(0);
    expect(figures.handled + figures.acknowledgedNoHandler + figures.dlq).toBe(200);
    expect(result.faults.handlerFailures).toMatchObject({ eventsFaulted: expect.any(Number) });
    const { eventsFaulted } = result.faults.handlerFailures as { eventsFaulted: number };
    expect(eventsFaulted).toBeGreaterThan(0);
    expect(result.faults.deliveryFailures).toMatchObject({
      deliveredAfterRetry: expect.any(Number),
      notDelivered: 0,
    });
    const { deliveredAfterRetry } = result.faults.deliveryFailures as { deliveredAfterRetry: number };
    expect(deliveredAfterRetry).toBeGreaterThan(0);
    // Killed after some of their records had run (those came back as duplicates), with the stalled
    // record's lock left held by the dead run: it ran once, after the lock lapsed.
    const crashes = result.faults.crashes as Record<string, number>;
    expect(crashes.invocationsKilled).toBeGreaterThan(0);
    expect(crashes.locksLeftHeld).toBeGreaterThanOrEqual(crashes.invocationsKilled ?? 0);
    expect(crashes.redeliveredAlreadyDone).toBeGreaterThan(0);
  }, 180_000);
});
