import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provision } from '../../../shared/provisioning/provision.js';
import { teardown } from '../../../shared/provisioning/teardown.js';
import {
  EVENT_SOURCE_NAME,
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  SCOPES,
  settings,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

const SOURCE_ARN = `arn:aws:events:us-east-1::event-source/${FULL_SOURCE_NAME}`;

describe('Function: provision (reconciler scenarios)', () => {
  let h: ProvisionHarness;

  beforeEach(async () => {
    h = await startProvisionHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it('creates the whole chain for a fresh store', async () => {
    // Act
    const result = await provision(h.request(), settings, h.deps);

    // Assess
    expect(result.converged).toBe(true);
    expect(result.entries.map((entry) => [entry.resource, entry.action])).toEqual([
      ['source', 'created'],
      ['bus', 'created'],
      ['rule', 'created'],
      ['target', 'created'],
      ['webhook', 'created'],
      ['webhook', 'created'],
      ['webhook', 'created'],
    ]);
    expect(result.entries[0]).toMatchObject({ name: FULL_SOURCE_NAME, arn: SOURCE_ARN, state: 'PENDING' });
    expect(h.eventBridge.busArn(FULL_SOURCE_NAME)).toBeDefined();
    expect(h.eventBridge.targetsOf(FULL_SOURCE_NAME, settings.ruleName)).toEqual([
      expect.objectContaining({
        Arn: settings.queueArn,
        DeadLetterConfig: { Arn: settings.deadLetterQueueArn },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
      }),
    ]);
    expect(h.sandbox.state.webhooks.map((hook) => [hook.scope, hook.destination, hook.isActive])).toEqual(
      SCOPES.map((scope) => [scope, SOURCE_ARN, true]),
    );
  });

  it('creates the webhooks in one aliased round trip, not one request per scope', async () => {
    // Act
    await provision(h.request(), settings, h.deps);

    // Assess
    const creates = h
      .bigCommerceMutations()
      .filter((call) => call.fields.includes('createEventBridgeWebhook'));
    expect(creates).toHaveLength(1);
    expect(creates[0]?.fields).toEqual(SCOPES.map(() => 'createEventBridgeWebhook'));
  });

  it('changes nothing on a second run: every entry unchanged, zero mutating calls', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    h.resetCalls();

    // Act
    const result = await provision(h.request(), settings, h.deps);

    // Assess
    expect(result.entries.every((entry) => entry.action === 'unchanged')).toBe(true);
    expect(result.entries).toHaveLength(7);
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
  });

  it('makes zero mutating calls in a dry run and returns the plan', async () => {
    // Act
    const result = await provision(h.request({ dryRun: true }), settings, h.deps);

    // Assess
    expect(result.converged).toBe(false);
    expect(result.entries.map((entry) => entry.action)).toEqual(Array(7).fill('would-create'));
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
  });

  it('plans only the difference in a dry run over a drifted chain', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    const hook = h.sandbox.state.webhooks[0];
    if (hook) hook.isActive = false;
    await h.eventBridge.driftRule(FULL_SOURCE_NAME, settings.ruleName, { state: 'DISABLED' });
    h.resetCalls();

    // Act
    const result = await provision(h.request({ dryRun: true }), settings, h.deps);

    // Assess
    expect(result.entries.filter((entry) => entry.action !== 'unchanged')).toEqual([
      expect.objectContaining({ resource: 'rule', action: 'would-update' }),
      expect.objectContaining({
        resource: 'webhook',
        action: 'would-update',
        scope: SCOPES[0],
        active: false,
      }),
    ]);
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
  });

  it('repairs drift: re-enables the rule and reactivates an inactive webhook', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    const hook = h.sandbox.state.webhooks[1];
    if (hook) hook.isActive = false;
    await h.eventBridge.driftRule(FULL_SOURCE_NAME, settings.ruleName, {
      eventPattern: '{"source":["other"]}',
    });

    // Act
    const result = await provision(h.request(), settings, h.deps);

    // Assess
    expect(result.entries.filter((entry) => entry.action !== 'unchanged')).toEqual([
      expect.objectContaining({ resource: 'rule', action: 'updated' }),
      expect.objectContaining({ resource: 'webhook', action: 'updated', scope: SCOPES[1], active: true }),
    ]);
    expect(h.sandbox.state.webhooks.every((webhook) => webhook.isActive)).toBe(true);
    expect(h.eventBridge.rule(FULL_SOURCE_NAME, settings.ruleName)?.eventPattern).toBe(
      '{"detail-type":["bigCommerceWebhook"]}',
    );
  });

  it('keeps unwanted webhooks unless prune is set, then deletes only those', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);

    // Act
    const kept = await provision(h.request({ scopes: ['store/order/created'] }), settings, h.deps);
    const pruned = await provision(
      h.request({ scopes: ['store/order/created'], prune: true }),
      settings,
      h.deps,
    );

    // Assess
    expect(kept.entries.filter((entry) => entry.resource === 'webhook')).toEqual([
      expect.objectContaining({ scope: 'store/order/created', action: 'unchanged', wanted: true }),
      expect.objectContaining({ scope: 'store/category/updated', action: 'unchanged', wanted: false }),
      expect.objectContaining({ scope: 'store/product/*', action: 'unchanged', wanted: false }),
    ]);
    expect(
      pruned.entries
        .filter((entry) => entry.action === 'deleted')
        .map((entry) => 'scope' in entry && entry.scope),
    ).toEqual(['store/category/updated', 'store/product/*']);
    expect(h.sandbox.state.webhooks.map((hook) => hook.scope)).toEqual(['store/order/created']);
  });

  it('tears the chain down in reverse order, then provisions it again reusing the source', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);

    // Act
    const removed = await teardown(
      { storeHash: h.request().storeHash, eventSourceName: EVENT_SOURCE_NAME, dryRun: false },
      settings,
      h.deps,
    );
    const again = await provision(h.request(), settings, h.deps);

    // Assess
    expect(removed.entries.map((entry) => [entry.resource, entry.action])).toEqual([
      ['webhook', 'deleted'],
      ['webhook', 'deleted'],
      ['webhook', 'deleted'],
      ['target', 'deleted'],
      ['rule', 'deleted'],
      ['bus', 'deleted'],
      ['source', 'unchanged'],
    ]);
    expect(again.entries.map((entry) => [entry.resource, entry.action])).toEqual([
      ['source', 'unchanged'],
      ['bus', 'created'],
      ['rule', 'created'],
      ['target', 'created'],
      ['webhook', 'created'],
      ['webhook', 'created'],
      ['webhook', 'created'],
    ]);
    expect(h.sandbox.state.eventSources).toHaveLength(1);
  });

  it('tolerates what is already gone when tearing down twice', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    const request = { storeHash: h.request().storeHash, eventSourceName: EVENT_SOURCE_NAME, dryRun: false };
    await teardown(request, settings, h.deps);
    h.resetCalls();

    // Act
    const second = await teardown(request, settings, h.deps);

    // Assess
    expect(second.entries.map((entry) => [entry.resource, entry.action])).toEqual([
      ['target', 'unchanged'],
      ['rule', 'unchanged'],
      ['bus', 'unchanged'],
      ['source', 'unchanged'],
    ]);
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
  });
  it('tears down by name only in its own region when the source is no longer listed', async () => {
    // Prepare: the same store has a chain of the same name in another region, seen by the same token.
    await provision(h.request(), settings, h.deps);
    const [template] = h.sandbox.state.webhooks;
    if (!template) throw new Error('no webhook provisioned');
    const elsewhere = `arn:aws:events:eu-west-1::event-source/${FULL_SOURCE_NAME}`;
    h.sandbox.state.webhooks.push({ ...template, id: 999, destination: elsewhere });
    // EventBridge lists no source any more (nor its chain): teardown can only go by name.
    h.eventBridge.reset();

    // Act
    await teardown(
      { storeHash: h.request().storeHash, eventSourceName: EVENT_SOURCE_NAME, dryRun: false },
      settings,
      h.deps,
    );

    // Assess
    expect(h.sandbox.state.webhooks.map((hook) => hook.destination)).toEqual([elsewhere]);
  });
});
