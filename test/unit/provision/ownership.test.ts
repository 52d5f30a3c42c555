import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANAGED_BY_TAG, STORE_TAG, storeOfSourceName } from '../../../shared/provisioning/ownership.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { teardown } from '../../../shared/provisioning/teardown.js';
import { failureOf } from '../../helpers/failure.js';
import {
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  settings,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

const CUSTOM_NAME = 'my-custom-chain';
const CUSTOM_FULL_NAME = FULL_SOURCE_NAME.replace(/[^/]+$/, CUSTOM_NAME);

describe('Function: provision (ownership of the chain)', () => {
  let h: ProvisionHarness;

  beforeEach(async () => {
    h = await startProvisionHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  /** The tags of the harness store's bus and rule, by ARN. */
  const tagsOf = (busName: string) => {
    const busArn = h.eventBridge.busArn(busName) ?? '';
    const ruleArn = `arn:aws:events:us-east-1:123456789012:rule/${busName}/${settings.ruleName}`;
    return { bus: h.eventBridge.tagsOf(busArn), rule: h.eventBridge.tagsOf(ruleArn) };
  };
  const untag = (busName: string) => h.eventBridge.untagChain(busName);
  const ours = { [STORE_TAG]: 'k7q2m9x4p1', [MANAGED_BY_TAG]: settings.managedBy };

  it('creates the bus and the rule with the store and deployment as ownership tags', async () => {
    // Act
    await provision(h.request(), settings, h.deps);

    // Assess
    expect(tagsOf(FULL_SOURCE_NAME)).toEqual({ bus: ours, rule: ours });
  });

  it('stops before any change on a bus tagged for another store or another deployment, naming the owner', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    h.resetCalls();

    const arn = h.eventBridge.busArn(FULL_SOURCE_NAME) ?? '';

    // Act
    await h.eventBridge.tag(arn, { [STORE_TAG]: 'otherstore1' });
    const otherStore = await failureOf(provision(h.request(), settings, h.deps));
    await h.eventBridge.tag(arn, {
      [STORE_TAG]: 'k7q2m9x4p1',
      [MANAGED_BY_TAG]: 'bigcommerce-webhooks-prod',
    });
    const otherStage = await failureOf(teardown({ ...h.request(), dryRun: false }, settings, h.deps));

    // Assess
    expect(otherStore.step).toBe('ownership');
    expect(otherStore.cause).toMatchObject({ name: 'NotOwnedError', owner: 'otherstore1' });
    expect(otherStore.message).toContain('belongs to store otherstore1');
    expect(otherStage.cause).toMatchObject({ owner: 'k7q2m9x4p1 (bigcommerce-webhooks-prod)' });
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
  });

  it("refuses another store's default source name before asking BigCommerce for it", async () => {
    // Act
    const failure = await failureOf(
      provision(h.request({ eventSourceName: `${settings.managedBy}-otherstore1` }), settings, h.deps),
    );

    // Assess
    expect(failure.step).toBe('ownership');
    expect(failure.cause).toMatchObject({ name: 'NotOwnedError', owner: 'otherstore1' });
    expect(h.bigCommerceMutations()).toEqual([]);
  });

  it("adopts an untagged chain its default name shows to be this store's: tags it once, then changes nothing", async () => {
    // Prepare: a chain made before ownership tags existed
    await provision(h.request(), settings, h.deps);
    await untag(FULL_SOURCE_NAME);

    // Act
    const adopted = await provision(h.request(), settings, h.deps);
    const again = await provision(h.request(), settings, h.deps);

    // Assess
    expect(adopted.converged).toBe(true);
    expect(
      adopted.entries.filter((e) => e.action !== 'unchanged').map((e) => [e.resource, e.action]),
    ).toEqual([
      ['bus', 'updated'],
      ['rule', 'updated'],
    ]);
    expect(tagsOf(FULL_SOURCE_NAME)).toEqual({ bus: ours, rule: ours });
    expect(new Set(again.entries.map((entry) => entry.action))).toEqual(new Set(['unchanged']));
  });

  it("adopts an untagged custom-named chain that the store's own webhooks point at", async () => {
    // Prepare
    await provision(h.request({ eventSourceName: CUSTOM_NAME }), settings, h.deps);
    await untag(CUSTOM_FULL_NAME);

    // Act
    const adopted = await provision(h.request({ eventSourceName: CUSTOM_NAME }), settings, h.deps);

    // Assess
    expect(adopted.converged).toBe(true);
    expect(tagsOf(CUSTOM_FULL_NAME)).toEqual({ bus: ours, rule: ours });
  });

  it("refuses an untagged custom-named chain nothing shows to be this store's; teardown leaves it and says why", async () => {
    // Prepare: another store's legacy chain, seen under a name that follows no store's default
    await provision(h.request({ eventSourceName: CUSTOM_NAME }), settings, h.deps);
    await untag(CUSTOM_FULL_NAME);
    h.sandbox.state.webhooks.length = 0;
    h.resetCalls();

    // Act
    const refused = await failureOf(provision(h.request({ eventSourceName: CUSTOM_NAME }), settings, h.deps));
    const torn = await teardown(
      { ...h.request({ eventSourceName: CUSTOM_NAME }), dryRun: false },
      settings,
      h.deps,
    );

    // Assess
    expect(refused.step).toBe('ownership');
    expect(refused.message).toMatch(/carries no ownership tags/);
    expect(
      torn.entries.filter((e) => e.resource !== 'source').map((e) => [e.resource, e.action, 'note' in e]),
    ).toEqual([
      ['target', 'unchanged', true],
      ['rule', 'unchanged', true],
      ['bus', 'unchanged', true],
    ]);
    expect(h.eventBridge.busArn(CUSTOM_FULL_NAME)).toBeDefined();
    expect(h.eventBridge.mutations()).toEqual([]);
    // Not gone, so not converged; what is left is the drift.
    expect(torn.converged).toBe(false);
    expect(torn.drift).toEqual(
      torn.entries.filter((e) => e.resource !== 'source' && e.resource !== 'webhook'),
    );
  });

  it('tags an adopted chain before deleting the webhooks that prove it, so a teardown stopped half way finishes', async () => {
    // Prepare: an untagged custom-named chain of this store, and a teardown that fails after its webhooks
    await provision(h.request({ eventSourceName: CUSTOM_NAME }), settings, h.deps);
    await untag(CUSTOM_FULL_NAME);
    h.eventBridge.emulator.faults.inject({ operation: 'RemoveTargets', drop: true });

    // Act
    const stopped = await failureOf(
      teardown({ ...h.request({ eventSourceName: CUSTOM_NAME }), dryRun: false }, settings, h.deps),
    );
    const finished = await teardown(
      { ...h.request({ eventSourceName: CUSTOM_NAME }), dryRun: false },
      settings,
      h.deps,
    );

    // Assess
    expect(stopped.step).toBe('target');
    expect(finished.converged).toBe(true);
    expect(h.eventBridge.busArn(CUSTOM_FULL_NAME)).toBeUndefined();
  });

  it('stops teardown with a 409 naming a target on the rule that this service did not put there', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    await h.eventBridge.putForeignTarget(FULL_SOURCE_NAME, settings.ruleName, {
      Id: 'someone-elses',
      Arn: 'arn:aws:sqs:us-east-1:123456789012:theirs',
    });

    // Act
    const stopped = await failureOf(teardown({ ...h.request(), dryRun: false }, settings, h.deps));

    // Assess
    expect(stopped.step).toBe('rule');
    expect(stopped.cause).toMatchObject({ name: 'ConflictError' });
    expect(stopped.message).toMatch(/someone-elses/);
  });

  it.each([
    ['bigcommerce-webhooks-test', 'bigcommerce-webhooks-test-k7q2m9x4p1', 'k7q2m9x4p1'],
    [
      'bigcommerce-webhooks-test',
      'aws.partner/bigcommerce.com/test/c/BIGCOMMERCE-WEBHOOKS-TEST-K7Q2',
      'k7q2',
    ],
    ['bigcommerce-webhooks-test', 'bigcommerce-webhooks-test-k7q2-2', undefined],
    ['bigcommerce-webhooks-test', 'bigcommerce-webhooks-prod-k7q2', undefined],
    ['bigcommerce-webhooks', 'bigcommerce-webhooks-test-k7q2', undefined],
  ])('with prefix %s, names %s the default of store %s', (prefix, name, store) => {
    // Act & Assess
    expect(storeOfSourceName(prefix, name)).toBe(store);
  });
});
