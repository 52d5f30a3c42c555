import {
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../../shared/errors.js';
import type { ProvisionError } from '../../../shared/provisioning/errors.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { teardown } from '../../../shared/provisioning/teardown.js';
import {
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  settings,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

/**
 * The EventBridge client of the harness, with `before(command)` run just before each command is sent: a
 * change another actor makes between this run's read and its write.
 */
const interleaved = (client: EventBridgeClient, before: (command: object) => void) =>
  ({
    send: (command: object) => {
      before(command);
      return (client.send as (c: object) => Promise<unknown>)(command);
    },
  }) as unknown as EventBridgeClient;

describe('Function: provision (changes made by someone else while a run works)', () => {
  let h: ProvisionHarness;

  beforeEach(async () => {
    h = await startProvisionHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('reports converged: false, with what it found, when a read after the run shows the chain changed', async () => {
    // Prepare: the read after the run finds one webhook gone (deleted in the store's control panel)
    let runs = 0;
    const deps = {
      ...h.deps,
      graphqlFor: async (storeHash: string) => {
        runs += 1;
        if (runs === 2) h.sandbox.state.webhooks.pop();
        return h.deps.graphqlFor(storeHash);
      },
    };

    // Act
    const result = await provision(h.request(), settings, deps);

    // Assess
    expect(result.converged).toBe(false);
    expect(result.drift).toEqual([expect.objectContaining({ resource: 'webhook', action: 'would-create' })]);
    expect(result.entries.filter((entry) => entry.action === 'created')).toHaveLength(7);
  });

  it('makes a PutRule that fails because the bus was deleted meanwhile a transient error', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    h.eventBridge.rules.clear();
    h.eventBridge.failNext(
      'PutRuleCommand',
      new ResourceNotFoundException({
        message: `Event bus ${FULL_SOURCE_NAME} does not exist.`,
        $metadata: {},
      }),
    );
    const eventBridge = interleaved(h.eventBridge.client, (command) => {
      if (command instanceof PutRuleCommand) h.eventBridge.buses.delete(FULL_SOURCE_NAME);
    });

    // Act
    const failure = (await provision(h.request(), settings, { ...h.deps, eventBridge }).catch(
      (error: unknown) => error,
    )) as ProvisionError;

    // Assess
    expect(failure.step).toBe('rule');
    expect(failure.cause).toBeInstanceOf(TransientError);
    expect(failure.message).toMatch(/deleted while this run worked/);
  });

  it('makes a PutTargets that fails because the rule was deleted meanwhile a transient error', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    const ruleKey = `${FULL_SOURCE_NAME}|${settings.ruleName}`;
    const rule = h.eventBridge.rules.get(ruleKey);
    if (rule) rule.targets = [];
    const eventBridge = interleaved(h.eventBridge.client, (command) => {
      if (command instanceof PutTargetsCommand) h.eventBridge.rules.delete(ruleKey);
    });

    // Act
    const failure = (await provision(h.request(), settings, { ...h.deps, eventBridge }).catch(
      (error: unknown) => error,
    )) as ProvisionError;

    // Assess
    expect(failure.step).toBe('target');
    expect(failure.cause).toBeInstanceOf(TransientError);
  });

  it('makes a DeleteRule refused because a target was added meanwhile a transient error', async () => {
    // Prepare: between teardown's RemoveTargets and its DeleteRule, another run puts the target back
    await provision(h.request(), settings, h.deps);
    const ruleKey = `${FULL_SOURCE_NAME}|${settings.ruleName}`;
    const target = h.eventBridge.rules.get(ruleKey)?.targets[0];
    const eventBridge = interleaved(h.eventBridge.client, (command) => {
      const rule = h.eventBridge.rules.get(ruleKey);
      if (command instanceof DeleteRuleCommand && rule && target) rule.targets = [target];
    });

    // Act
    const failure = (await teardown({ ...h.request(), dryRun: false }, settings, {
      ...h.deps,
      eventBridge,
    }).catch((error: unknown) => error)) as ProvisionError;

    // Assess
    expect(failure.step).toBe('rule');
    expect(failure.cause).toBeInstanceOf(TransientError);
    expect(failure.message).toMatch(/gained a target/);
  });
});
