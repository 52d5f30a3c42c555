import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProvisionApi } from '../../../functions/provision/api.js';
import { partnerSourceHook } from '../../../local/sandbox/partner-source-hook.js';
import { startSandbox } from '../../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../../shared/bigcommerce/graphql/client.js';
import { PreflightError } from '../../../shared/bigcommerce/graphql/preflight.js';
import { PermanentError } from '../../../shared/errors.js';
import { ProvisionError } from '../../../shared/provisioning/errors.js';
import { type ProvisionRequest, provision } from '../../../shared/provisioning/provision.js';
import { reconcileStore } from '../../../shared/provisioning/reconcile-store.js';
import { status } from '../../../shared/provisioning/status.js';
import { teardown } from '../../../shared/provisioning/teardown.js';
import type { ProvisionDeps, ProvisionSettings } from '../../../shared/provisioning/types.js';
import { fakeContext } from '../../helpers/context.js';
import { loadEvent } from '../../helpers/load-event.js';
import { memoryLeases } from '../../helpers/memory-leases.js';
import { memoryRegistry } from '../../helpers/memory-registry.js';
import {
  EVENT_SOURCE_NAME,
  settings as eventBridgeSettings,
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  SCOPES,
  STORE_HASH,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

const INGRESS = 'https://abc123.execute-api.us-east-1.amazonaws.com';
const URL_OF_STORE = `${INGRESS}/webhooks/${STORE_HASH}`;
const SOURCE_ARN = `arn:aws:events:us-east-1::event-source/${FULL_SOURCE_NAME}`;
const settings: ProvisionSettings = { ...eventBridgeSettings, ingressBaseUrl: INGRESS };

describe('Function: provision (HTTPS transport)', () => {
  let h: ProvisionHarness;

  beforeAll(async () => {
    h = await startProvisionHarness();
  });

  beforeEach(() => {
    h.reset();
  });

  afterAll(async () => {
    await h.close();
  });

  const https = (overrides: Partial<ProvisionRequest> = {}) =>
    h.request({ transport: 'https', ...overrides });
  const hooks = () => h.sandbox.state.webhooks;
  const httpsHooks = () => hooks().filter((hook) => hook.transport === 'https');
  const eventBridgeHooks = () => hooks().filter((hook) => hook.transport !== 'https');
  /** Scopes with no active webhook of this store to either of its destinations. */
  const uncovered = () =>
    SCOPES.filter(
      (scope) =>
        !hooks().some(
          (hook) =>
            hook.scope === scope &&
            hook.isActive &&
            (hook.destination === URL_OF_STORE || hook.destination === SOURCE_ARN),
        ),
    );
  /**
   * The deps with the sandbox's state read before and after every GraphQL request of the run: each scope's
   * cover, and whether the partner bus exists, at every moment BigCommerce is asked anything.
   */
  const watched = (): { deps: ProvisionDeps; moments: { uncovered: string[]; bus: boolean }[] } => {
    const moments: { uncovered: string[]; bus: boolean }[] = [];
    const look = () =>
      moments.push({ uncovered: uncovered(), bus: h.eventBridge.busArn(FULL_SOURCE_NAME) !== undefined });
    return {
      moments,
      deps: {
        ...h.deps,
        graphqlFor: async (storeHash) => {
          const gql = await h.deps.graphqlFor(storeHash);
          return {
            request: async (document, variables, schema) => {
              look();
              try {
                return await gql.request(document, variables, schema);
              } finally {
                look();
              }
            },
            probe: (document) => gql.probe(document),
          };
        },
      },
    };
  };

  it('creates one HTTPS webhook per scope to the ingress and touches nothing in AWS', async () => {
    // Act
    const result = await provision(https(), settings, h.deps);

    // Assess
    expect(result.converged).toBe(true);
    expect(result.entries).toEqual(
      SCOPES.map((scope) =>
        expect.objectContaining({
          resource: 'webhook',
          action: 'created',
          scope,
          transport: 'https',
          wanted: true,
        }),
      ),
    );
    expect(hooks().map((hook) => [hook.transport, hook.scope, hook.destination, hook.isActive])).toEqual(
      SCOPES.map((scope) => ['https', scope, URL_OF_STORE, true]),
    );
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.sandbox.state.eventSources).toEqual([]);
    expect(h.bigCommerceMutations().flatMap((call) => call.fields)).toEqual(
      SCOPES.map(() => 'createHttpsWebhook'),
    );
  });

  it('changes nothing on a second run: every entry unchanged, zero mutating calls', async () => {
    // Prepare
    await provision(https(), settings, h.deps);
    h.resetCalls();

    // Act
    const result = await provision(https(), settings, h.deps);

    // Assess
    expect(result.converged).toBe(true);
    expect(result.entries.map((entry) => entry.action)).toEqual(SCOPES.map(() => 'unchanged'));
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
    // One source listing (to find an old chain) and, beside the preflight's introspection, one list.
    expect(h.eventBridge.calls()).toEqual(['ListEventSources']);
    expect(h.sandbox.calls.filter((call) => call.operation === 'query')).toHaveLength(2);
  });

  it('plans the HTTPS webhooks in a dry run without any change', async () => {
    // Act
    const result = await provision(https({ dryRun: true }), settings, h.deps);

    // Assess
    expect(result.converged).toBe(false);
    expect(result.entries).toEqual(
      SCOPES.map((scope) => expect.objectContaining({ action: 'would-create', scope, transport: 'https' })),
    );
    expect(hooks()).toEqual([]);
    expect(h.bigCommerceMutations()).toEqual([]);
    expect(h.eventBridge.mutations()).toEqual([]);
  });

  it('reports status, then repairs a deactivated HTTPS webhook (deleted and created again)', async () => {
    // Prepare
    await provision(https(), settings, h.deps);
    const deactivated = httpsHooks()[1];
    if (deactivated) deactivated.isActive = false;
    const request = { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, scopes: SCOPES };

    // Act
    const before = await status({ ...request, transport: 'https' }, settings, h.deps);
    const repaired = await provision(https(), settings, h.deps);
    const after = await status({ ...request, transport: 'https' }, settings, h.deps);

    // Assess
    expect(before.transport).toBe('https');
    expect(before.converged).toBe(false);
    expect(before.resources.map((resource) => resource.status)).toEqual(['present', 'present', 'drifted']);
    expect(repaired.entries.filter((entry) => entry.action !== 'unchanged')).toEqual([
      expect.objectContaining({ action: 'updated', scope: SCOPES[1], transport: 'https', active: true }),
    ]);
    expect(repaired.converged).toBe(true);
    expect(after.converged).toBe(true);
    expect(httpsHooks().every((hook) => hook.isActive)).toBe(true);
    expect(h.eventBridge.mutations()).toEqual([]);
  });

  it("prunes unwanted HTTPS webhooks only when asked, and never another destination's", async () => {
    // Prepare: a wider earlier subscription, and a webhook of someone else's receiver for the same scope
    await provision(https({ scopes: [...SCOPES, 'store/cart/*'] }), settings, h.deps);
    await provision(
      https({ scopes: ['store/cart/*'] }),
      { ...settings, ingressBaseUrl: 'https://other.example.com' },
      h.deps,
    );

    // Act
    const kept = await provision(https(), settings, h.deps);
    const pruned = await provision(https({ prune: true }), settings, h.deps);

    // Assess
    expect(kept.entries).toContainEqual(
      expect.objectContaining({ action: 'unchanged', scope: 'store/cart/*', wanted: false }),
    );
    expect(pruned.entries).toContainEqual(
      expect.objectContaining({
        action: 'deleted',
        scope: 'store/cart/*',
        wanted: false,
        transport: 'https',
      }),
    );
    expect(httpsHooks().map((hook) => [hook.scope, hook.destination])).toEqual([
      ...SCOPES.map((scope) => [scope, URL_OF_STORE]),
      ['store/cart/*', `https://other.example.com/webhooks/${STORE_HASH}`],
    ]);
  });

  it('leaves the EventBridge webhooks of another source alone and prunes only its own transport', async () => {
    // Prepare: an EventBridge store provisioned under another name, then this store on HTTPS with prune
    await provision(h.request({ eventSourceName: 'another-name' }), settings, h.deps);

    // Act
    const result = await provision(https({ prune: true, scopes: [SCOPES[0] ?? ''] }), settings, h.deps);

    // Assess
    expect(result.converged).toBe(true);
    expect(eventBridgeHooks()).toHaveLength(SCOPES.length);
    expect(httpsHooks().map((hook) => hook.scope)).toEqual([SCOPES[0]]);
  });

  it('tears an HTTPS store down: its webhooks go, others stay, no AWS change', async () => {
    // Prepare
    await provision(https(), settings, h.deps);
    await provision(https(), { ...settings, ingressBaseUrl: 'https://other.example.com' }, h.deps);
    h.resetCalls();

    // Act
    const planned = await teardown(
      { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, dryRun: true },
      settings,
      h.deps,
    );
    const result = await teardown(
      { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, dryRun: false },
      settings,
      h.deps,
    );

    // Assess
    expect(planned.entries.filter((entry) => entry.resource === 'webhook')).toEqual(
      SCOPES.map((scope) => expect.objectContaining({ action: 'would-delete', scope, transport: 'https' })),
    );
    expect(result.converged).toBe(true);
    expect(result.entries.filter((entry) => entry.resource === 'webhook')).toEqual(
      SCOPES.map((scope) => expect.objectContaining({ action: 'deleted', scope, transport: 'https' })),
    );
    expect(httpsHooks().map((hook) => hook.destination)).toEqual(
      SCOPES.map(() => `https://other.example.com/webhooks/${STORE_HASH}`),
    );
    expect(h.eventBridge.mutations()).toEqual([]);
  });

  it('switches EventBridge -> HTTPS: HTTPS webhooks first, then the EventBridge ones, then the bus', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    const { deps, moments } = watched();

    // Act
    const result = await provision(https(), settings, deps);

    // Assess: never a scope without an active webhook, and the bus outlived every EventBridge webhook
    expect(moments.length).toBeGreaterThan(4);
    expect(moments.filter((moment) => moment.uncovered.length > 0)).toEqual([]);
    expect(result.converged).toBe(true);
    expect(
      result.entries.map((entry) => [entry.resource, entry.action, 'transport' in entry && entry.transport]),
    ).toEqual([
      ...SCOPES.map(() => ['webhook', 'created', 'https']),
      ...SCOPES.map(() => ['webhook', 'deleted', 'eventbridge']),
      ['target', 'deleted', false],
      ['rule', 'deleted', false],
      ['bus', 'deleted', false],
      ['source', 'unchanged', false],
    ]);
    expect(eventBridgeHooks()).toEqual([]);
    expect(httpsHooks().map((hook) => hook.scope)).toEqual(SCOPES);
    expect(h.eventBridge.busArn(FULL_SOURCE_NAME)).toBeUndefined();
    expect(moments.at(-1)?.bus).toBe(false);
  });

  it("switches to HTTPS but reports not converged, the part left as drift, when the old chain is not provably the store's", async () => {
    // Prepare: a custom-named EventBridge chain without its ownership tags (a legacy chain)
    const custom = 'my-legacy-chain';
    await provision(h.request({ eventSourceName: custom }), settings, h.deps);
    const fullName = FULL_SOURCE_NAME.replace(/[^/]+$/, custom);
    h.eventBridge.untagChain(fullName);

    // Act: the switch deletes the EventBridge webhooks, after which nothing shows the chain to be the store's
    const result = await provision(https({ eventSourceName: custom }), settings, h.deps);

    // Assess: every scope on HTTPS, the old bus left in place and named, and not converged
    expect(httpsHooks().map((hook) => hook.scope)).toEqual(SCOPES);
    expect(h.eventBridge.busArn(fullName)).toBeDefined();
    expect(result.converged).toBe(false);
    expect(
      Array.isArray(result.drift) && result.drift.map((entry) => [entry.resource, entry.action]),
    ).toEqual([
      ['target', 'unchanged'],
      ['rule', 'unchanged'],
      ['bus', 'unchanged'],
    ]);
  });

  it('switches HTTPS -> EventBridge: the chain and its webhooks first, then the HTTPS webhooks go', async () => {
    // Prepare
    await provision(https(), settings, h.deps);
    const { deps, moments } = watched();

    // Act
    const result = await provision(h.request(), settings, deps);

    // Assess
    expect(moments.filter((moment) => moment.uncovered.length > 0)).toEqual([]);
    expect(result.converged).toBe(true);
    const webhooks = result.entries.filter((entry) => entry.resource === 'webhook');
    expect(webhooks.map((entry) => [entry.action, entry.transport])).toEqual([
      ...SCOPES.map(() => ['created', 'eventbridge']),
      ...SCOPES.map(() => ['deleted', 'https']),
    ]);
    expect(httpsHooks()).toEqual([]);
    expect(eventBridgeHooks().map((hook) => [hook.scope, hook.destination, hook.isActive])).toEqual(
      SCOPES.map((scope) => [scope, SOURCE_ARN, true]),
    );
    expect(h.eventBridge.busArn(FULL_SOURCE_NAME)).toBeDefined();
  });

  it('keeps the old transport when a new webhook is refused, and plans the switch in a dry run', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    h.resetCalls();
    h.sandbox.faults.add({ match: 'createHttpsWebhook', status: 400 });

    // Act
    const failed = await provision(https(), settings, h.deps).catch((error: unknown) => error);
    const planned = await provision(https({ dryRun: true }), settings, h.deps);

    // Assess
    expect(failed).toBeInstanceOf(ProvisionError);
    expect((failed as ProvisionError).step).toBe('webhooks');
    expect(uncovered()).toEqual([]);
    expect(eventBridgeHooks()).toHaveLength(SCOPES.length);
    expect(h.eventBridge.mutations()).toEqual([]);
    expect(planned.entries.map((entry) => [entry.resource, entry.action])).toEqual([
      ...SCOPES.map(() => ['webhook', 'would-create']),
      ...SCOPES.map(() => ['webhook', 'would-delete']),
      ['target', 'would-delete'],
      ['rule', 'would-delete'],
      ['bus', 'would-delete'],
      ['source', 'unchanged'],
    ]);
  });

  it('finishes a switch that stopped after the HTTPS webhooks, before the EventBridge ones were deleted', async () => {
    // Prepare: the first switch stops when BigCommerce refuses to delete the EventBridge webhooks
    await provision(h.request(), settings, h.deps);
    h.sandbox.faults.add({ match: 'deleteWebhook', status: 400 });
    const first = await provision(https(), settings, h.deps).catch((error: unknown) => error);
    const afterFirst = {
      https: httpsHooks().length,
      eventBridge: eventBridgeHooks().length,
      bus: h.eventBridge.busArn(FULL_SOURCE_NAME) !== undefined,
    };

    // Act
    const second = await provision(https(), settings, h.deps);

    // Assess
    expect((first as ProvisionError).step).toBe('webhooks');
    expect(afterFirst).toEqual({ https: SCOPES.length, eventBridge: SCOPES.length, bus: true });
    expect(second.converged).toBe(true);
    expect(
      second.entries.filter((entry) => entry.action !== 'unchanged').map((entry) => entry.resource),
    ).toEqual([...SCOPES.map(() => 'webhook'), 'target', 'rule', 'bus']);
    expect(eventBridgeHooks()).toEqual([]);
    expect(h.eventBridge.busArn(FULL_SOURCE_NAME)).toBeUndefined();
  });

  it('finishes a switch that stopped in the AWS half, after the EventBridge webhooks were deleted', async () => {
    // Prepare: EventBridge refuses to delete the bus (an internal error), once
    await provision(h.request(), settings, h.deps);
    h.eventBridge.emulator.faults.inject({ operation: 'DeleteEventBus', error: 'InternalException' });
    const first = await provision(https(), settings, h.deps).catch((error: unknown) => error);
    const afterFirst = {
      uncovered: uncovered(),
      eventBridge: eventBridgeHooks().length,
      bus: h.eventBridge.busArn(FULL_SOURCE_NAME) !== undefined,
    };

    // Act
    const second = await provision(https(), settings, h.deps);

    // Assess
    expect((first as ProvisionError).step).toBe('bus');
    expect((first as ProvisionError).entries.map((entry) => [entry.resource, entry.action])).toEqual([
      ...SCOPES.map(() => ['webhook', 'created']),
      ...SCOPES.map(() => ['webhook', 'deleted']),
      ['target', 'deleted'],
      ['rule', 'deleted'],
    ]);
    expect(afterFirst).toEqual({ uncovered: [], eventBridge: 0, bus: true });
    expect(second.converged).toBe(true);
    expect(second.entries.filter((entry) => entry.action !== 'unchanged')).toEqual([
      expect.objectContaining({ resource: 'bus', action: 'deleted' }),
    ]);
    expect(h.eventBridge.busArn(FULL_SOURCE_NAME)).toBeUndefined();
  });

  it('stops before any call when no ingress URL is configured', async () => {
    // Act
    const error = await provision(https(), eventBridgeSettings, h.deps).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).cause).toBeInstanceOf(PermanentError);
    expect((error as ProvisionError).message).toMatch(/INGRESS_BASE_URL/);
    expect(h.sandbox.calls).toEqual([]);
    expect(h.eventBridge.calls()).toEqual([]);
  });

  it('the scheduled reconcile repairs an HTTPS store with its stored transport', async () => {
    // Prepare
    const desired = {
      scopes: SCOPES,
      eventSourceName: EVENT_SOURCE_NAME,
      prune: false,
      transport: 'https' as const,
    };
    await provision({ storeHash: STORE_HASH, ...desired, dryRun: false }, settings, h.deps);
    const memory = memoryRegistry();
    await memory.registry.record(STORE_HASH, desired, Date.now() - 1, { outcome: 'converged' });
    const deactivated = httpsHooks()[0];
    if (deactivated) deactivated.isActive = false;

    // Act
    const report = await reconcileStore(
      STORE_HASH,
      { ...settings, deadline: Date.now() + 20_000, leaseUntil: Date.now() + 25_000 },
      {
        registry: memory.registry,
        leases: memoryLeases().leases,
        provision: h.deps,
        clock: { now: () => Date.now() },
        logger: { warn: () => undefined },
      },
    );

    // Assess
    expect(report).toMatchObject({
      outcome: 'repaired',
      repaired: [expect.objectContaining({ action: 'updated', scope: SCOPES[0], transport: 'https' })],
    });
    expect(h.sandbox.state.eventSources).toEqual([]);
    expect(h.eventBridge.mutations()).toEqual([]);
  });

  /** The provision API on the harness, with its registry in memory. */
  const apiOf = (registry = memoryRegistry().registry) =>
    createProvisionApi({
      deps: h.deps,
      leases: memoryLeases().leases,
      registry,
      settingsFor: () => settings,
      defaultScopes: SCOPES,
      unhandled: () => [],
      eventSourceNamePrefix: 'bigcommerce-webhooks-test',
      maxBodyBytes: 16_384,
      logger: { error: () => undefined, warn: () => undefined },
    });

  it('POST records the transport, and GET status compares with it unless ?transport= says otherwise', async () => {
    // Prepare
    const memory = memoryRegistry();
    const api = apiOf(memory.registry);
    const context = fakeContext('bigcommerce-webhooks-test-provision');
    const post = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    post.body = JSON.stringify({ storeHash: STORE_HASH, scopes: SCOPES, transport: 'https' });
    const get = (query: Record<string, string>) => {
      const event = loadEvent<APIGatewayProxyEventV2>('provision', 'get-status');
      event.pathParameters = { storeHash: STORE_HASH };
      event.queryStringParameters = query;
      return api(event, context);
    };

    // Act
    const posted = await api(post, context);
    const stored = await get({});
    const other = await get({ transport: 'eventbridge' });

    // Assess
    expect(posted.statusCode).toBe(200);
    expect((await memory.registry.get(STORE_HASH))?.desired.transport).toBe('https');
    expect(JSON.parse(stored.body ?? '{}')).toMatchObject({ transport: 'https', converged: true });
    const compared = JSON.parse(other.body ?? '{}') as {
      transport: string;
      converged: boolean;
      resources: { resource: string; status: string; transport?: string }[];
    };
    expect(compared.transport).toBe('eventbridge');
    expect(compared.converged).toBe(false);
    expect(compared.resources.filter((resource) => resource.transport === 'https')).toEqual(
      SCOPES.map(() => expect.objectContaining({ status: 'extra' })),
    );
  });

  it('answers 400 naming transport for a value that is neither eventbridge nor https', async () => {
    // Prepare
    const api = apiOf();
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    event.body = JSON.stringify({ storeHash: STORE_HASH, transport: 'sqs' });

    // Act
    const response = await api(event, fakeContext('bigcommerce-webhooks-test-provision'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({
      error: {
        type: 'InvalidRequest',
        issues: [{ field: 'transport', message: expect.stringMatching(/eventbridge .*or https/) }],
      },
    });
    expect(h.sandbox.calls).toEqual([]);
  });

  it('a store whose schema lacks createHttpsWebhook stops at preflight, naming it, before any change', async () => {
    // Prepare: the preflight's findings say so (as introspecting such a store finds them)
    const lacking = await startSandbox({
      accounts: [{ storeHash: STORE_HASH, token: 'lacking-token', clientId: eventBridgeSettings.clientId }],
      variant: { withoutMutations: ['createHttpsWebhook'] },
      onEventSourceCreated: partnerSourceHook(h.eventBridge.partners),
    });
    const deps: ProvisionDeps = {
      ...h.deps,
      graphqlFor: async (storeHash) =>
        createStoreGraphQL({ apiUrl: lacking.url, storeHash, token: 'lacking-token' }),
    };
    try {
      // Act
      const error = await provision(https(), settings, deps).catch((e: unknown) => e);
      const mutationsBefore = lacking.calls.filter((call) => call.operation === 'mutation').length;
      const eventBridgeRun = await provision(h.request(), settings, deps);

      // Assess
      expect(error).toBeInstanceOf(ProvisionError);
      expect((error as ProvisionError).step).toBe('preflight');
      const cause = (error as ProvisionError).cause as PreflightError;
      expect(cause).toBeInstanceOf(PreflightError);
      expect(cause.issues).toContainEqual(
        expect.objectContaining({ document: 'createHttpsWebhook', field: 'createHttpsWebhook' }),
      );
      expect(mutationsBefore).toBe(0);
      // The EventBridge transport does not need it: that store still provisions that way.
      expect(eventBridgeRun.converged).toBe(true);
      expect(lacking.state.webhooks.every((hook) => hook.transport !== 'https')).toBe(true);
    } finally {
      await lacking.close();
    }
  });
});
