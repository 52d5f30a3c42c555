import { PutPartnerEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it, vi } from 'vitest';
import { TransientError } from '../../shared/errors.js';
import { provision } from '../../shared/provisioning/provision.js';
import { teardown } from '../../shared/provisioning/teardown.js';
import { failureOf } from '../helpers/failure.js';
import { FULL_SOURCE_NAME, settings } from '../helpers/provision-harness.js';
import { startChain } from './chain.js';
import { provisionApiOf } from './provision-api.js';

/**
 * The offline stack is as strict as AWS where provisioning meets it: sources of another account or region
 * never show, quotas bind, and changes take effect late (EventBridge emulator and sandbox over HTTP).
 */
describe('EventBridge emulator fidelity: accounts, regions, quotas, eventual consistency', () => {
  it.each([
    ['another account', { awsAccount: '999999999999' }],
    ['another region', { region: 'us-west-2' }],
  ])('never shows a source BigCommerce made for %s: provisioning waits, then says so', async (_, wrong) => {
    // Prepare
    const chain = await startChain();
    try {
      // Act
      const failure = await failureOf(
        provision(chain.request(), { ...settings, ...wrong, sourceWaitMs: 500 }, chain.deps),
      );

      // Assess: the partner made it, elsewhere; this account's EventBridge does not list it
      expect(chain.emulator.inspect.sources()).toHaveLength(1);
      expect(failure.step).toBe('source');
      expect(failure.cause).toBeInstanceOf(TransientError);
      expect(failure.message).toMatch(/EventBridge does not show it yet/);
      expect(chain.emulator.inspect.buses().map((bus) => bus.name)).toEqual(['default']);
    } finally {
      await chain.close();
    }
  });

  it('answers 409 QuotaExceeded, naming the quota, when the account holds as many buses as it may', async () => {
    // Prepare: a quota of one bus, taken by the store's first chain
    const chain = await startChain({ behaviour: { eventBuses: 1 } });
    const api = provisionApiOf(chain);
    try {
      expect((await api.post(JSON.stringify({ storeHash: 'k7q2m9x4p1' }))).status).toBe(200);

      // Act: a second chain (another source name) needs a second bus
      const refused = await api.post(
        JSON.stringify({ storeHash: 'k7q2m9x4p1', eventSourceName: 'second-chain' }),
      );

      // Assess
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ type: 'QuotaExceeded' });
      expect(refused.body.error?.message).toMatch(/Event buses", 100 by default.*Service Quotas/);
    } finally {
      await chain.close();
    }
  });

  it('tears down while EventBridge still sees the targets and rules it just removed, by retrying', async () => {
    // Prepare
    const chain = await startChain({ behaviour: { deleteWindowMs: 60 } });
    try {
      await provision(chain.request(), settings, chain.deps);

      // Act
      const torn = await teardown({ ...chain.request(), dryRun: false }, settings, chain.deps);

      // Assess
      expect(torn.converged).toBe(true);
      expect(chain.emulator.calls().DeleteRule).toBeGreaterThan(1);
      expect(chain.emulator.inspect.buses().map((bus) => bus.name)).toEqual(['default']);
    } finally {
      await chain.close();
    }
  });

  it('gives up on a delete EventBridge keeps refusing with a transient error, not a permanent one', async () => {
    // Prepare: a window longer than teardown's bounded retries
    const chain = await startChain({ behaviour: { deleteWindowMs: 60_000 } });
    try {
      await provision(chain.request(), settings, chain.deps);

      // Act
      const failure = await failureOf(teardown({ ...chain.request(), dryRun: false }, settings, chain.deps));

      // Assess
      expect(failure.step).toBe('rule');
      expect(failure.cause).toBeInstanceOf(TransientError);
      expect(failure.message).toMatch(/still sees the targets/);
    } finally {
      await chain.close();
    }
  });

  it('provisions under a propagation delay: says the rule takes effect later, and it matches once settled', async () => {
    // Prepare
    const chain = await startChain({ behaviour: { propagationMs: 150 } });
    const event = { Source: FULL_SOURCE_NAME, DetailType: 'bigCommerceWebhook', Detail: '{"scope":"x"}' };
    // The emulator's propagation delay is a timer: a fake one, so "early" cannot become late on a slow
    // machine. Only setTimeout is faked; the run makes no retry, so nothing else waits on it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // Act
      const result = await provision(chain.request(), settings, chain.deps);
      const partner = chain.deps.eventBridge;
      await partner.send(new PutPartnerEventsCommand({ Entries: [event] }));
      const early = chain.emulator.inspect.events().at(-1);
      await vi.advanceTimersByTimeAsync(150);
      await chain.emulator.settled();
      await partner.send(new PutPartnerEventsCommand({ Entries: [event] }));
      const late = chain.emulator.inspect.events().at(-1);

      // Assess
      expect(result.converged).toBe(true);
      expect(result.entries.find((entry) => entry.resource === 'rule')).toMatchObject({
        action: 'created',
        note: expect.stringMatching(/after a short while/),
      });
      expect(early?.matchedRules).toEqual([]);
      expect(late?.matchedRules).toEqual([settings.ruleName]);
    } finally {
      vi.useRealTimers();
      await chain.close();
    }
  });

  it('refuses a FIFO queue as a target dead-letter queue, as PutTargets does', async () => {
    // Prepare
    const chain = await startChain();
    const client = chain.deps.eventBridge;
    try {
      await client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["x"]}' }));

      // Act
      const put = await client.send(
        new PutTargetsCommand({
          Rule: 'r',
          Targets: [
            {
              Id: 't',
              Arn: 'arn:aws:sqs:us-east-1:123456789012:q',
              DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:dlq.fifo' },
            },
          ],
        }),
      );

      // Assess
      expect(put.FailedEntryCount).toBe(1);
      expect(put.FailedEntries?.[0]?.ErrorMessage).toMatch(/FIFO/);
    } finally {
      await chain.close();
    }
  });
});
