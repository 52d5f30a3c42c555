import {
  DeleteEventBusCommand,
  DeleteRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../shared/errors.js';
import { provision } from '../../shared/provisioning/provision.js';
import { desiredTarget } from '../../shared/provisioning/target.js';
import { teardown } from '../../shared/provisioning/teardown.js';
import { failureOf } from '../helpers/failure.js';
import { FULL_SOURCE_NAME, settings } from '../helpers/provision-harness.js';
import { type Chain, startChain } from './chain.js';

/**
 * The run's EventBridge client, with `before(command)` awaited just before each command is sent: a change
 * another actor (a person in the console, another tool) makes between this run's read and its write.
 */
const interleaved = (client: EventBridgeClient, before: (command: object) => Promise<void>) =>
  ({
    send: async (command: object) => {
      await before(command);
      return (client.send as (c: object) => Promise<unknown>)(command);
    },
  }) as unknown as EventBridgeClient;

const ruleRef = { Name: settings.ruleName, EventBusName: FULL_SOURCE_NAME };

/**
 * Changes made by someone else while a run works, against the EventBridge emulator and the sandbox over
 * HTTP: the other actor is a second SDK client of the same emulator.
 */
describe('Function: provision (changes made by someone else while a run works)', () => {
  let chain: Chain;
  let other: EventBridgeClient;

  beforeEach(async () => {
    chain = await startChain();
    other = chain.deps.eventBridge;
  });

  afterEach(async () => {
    await chain.close();
  });

  it('reports converged: false, with what it found, when the read after the run shows the chain changed', async () => {
    // Prepare: the read after the run finds one webhook gone (deleted in the store's control panel)
    let runs = 0;
    const deps = {
      ...chain.deps,
      graphqlFor: async (storeHash: string) => {
        runs += 1;
        if (runs === 2) chain.sandbox.state.webhooks.pop();
        return chain.deps.graphqlFor(storeHash);
      },
    };

    // Act
    const result = await provision(chain.request(), settings, deps);

    // Assess
    expect(result.converged).toBe(false);
    expect(result.drift).toEqual([expect.objectContaining({ resource: 'webhook', action: 'would-create' })]);
    expect(result.entries.filter((entry) => entry.action === 'created')).toHaveLength(7);
  });

  it('makes a PutRule that fails because the bus was deleted meanwhile a transient error', async () => {
    // Prepare: a chain whose rule is gone; its bus goes too, just before the run's PutRule
    await provision(chain.request(), settings, chain.deps);
    await other.send(
      new RemoveTargetsCommand({
        Rule: ruleRef.Name,
        EventBusName: ruleRef.EventBusName,
        Ids: [settings.targetId],
      }),
    );
    await other.send(new DeleteRuleCommand(ruleRef));
    const eventBridge = interleaved(other, async (command) => {
      if (command instanceof PutRuleCommand)
        await other.send(new DeleteEventBusCommand({ Name: FULL_SOURCE_NAME }));
    });

    // Act
    const failure = await failureOf(provision(chain.request(), settings, { ...chain.deps, eventBridge }));
    const next = await provision(chain.request(), settings, chain.deps);

    // Assess
    expect(failure.step).toBe('rule');
    expect(failure.cause).toBeInstanceOf(TransientError);
    expect(failure.message).toMatch(/deleted while this run worked/);
    expect(next.converged).toBe(true);
  });

  it('makes a PutTargets that fails because the rule was deleted meanwhile a transient error', async () => {
    // Prepare: a chain whose target is gone; its rule goes too, just before the run's PutTargets
    await provision(chain.request(), settings, chain.deps);
    await other.send(
      new RemoveTargetsCommand({
        Rule: ruleRef.Name,
        EventBusName: ruleRef.EventBusName,
        Ids: [settings.targetId],
      }),
    );
    const eventBridge = interleaved(other, async (command) => {
      if (command instanceof PutTargetsCommand) await other.send(new DeleteRuleCommand(ruleRef));
    });

    // Act
    const failure = await failureOf(provision(chain.request(), settings, { ...chain.deps, eventBridge }));

    // Assess
    expect(failure.step).toBe('target');
    expect(failure.cause).toBeInstanceOf(TransientError);
  });

  it('makes a DeleteRule refused because a target was added meanwhile a transient error', async () => {
    // Prepare: between teardown's RemoveTargets and its DeleteRule, someone puts the target back
    await provision(chain.request(), settings, chain.deps);
    const eventBridge = interleaved(other, async (command) => {
      if (command instanceof DeleteRuleCommand) {
        await other.send(
          new PutTargetsCommand({
            Rule: ruleRef.Name,
            EventBusName: ruleRef.EventBusName,
            Targets: [desiredTarget(settings)],
          }),
        );
      }
    });

    // Act
    const failure = await failureOf(
      teardown({ ...chain.request(), dryRun: false }, settings, { ...chain.deps, eventBridge }),
    );

    // Assess
    expect(failure.step).toBe('rule');
    expect(failure.cause).toBeInstanceOf(TransientError);
    expect(failure.message).toMatch(/gained a target/);
  });
});
