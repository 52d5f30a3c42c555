import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProvisionApi, type ProvisionApi } from '../../../functions/provision/api.js';
import { TransientError } from '../../../shared/errors.js';
import type { StoreRegistry } from '../../../shared/provisioning/registry.js';
import { fakeContext } from '../../helpers/context.js';
import { loadEvent } from '../../helpers/load-event.js';
import { memoryLeases } from '../../helpers/memory-leases.js';
import { memoryRegistry } from '../../helpers/memory-registry.js';
import {
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  SCOPES,
  STORE_HASH,
  settings,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

/** A registry that keeps its calls, and fails each call while `failing` is set. */
const fakeRegistry = () => {
  const calls: { method: string; storeHash: string; outcome?: string }[] = [];
  const state = { failing: false };
  const fail = () => {
    if (state.failing) throw new TransientError('UpdateItem failed: ThrottlingException');
  };
  const registry: StoreRegistry = {
    async record(storeHash, _desired, _startedAt, outcome) {
      calls.push({ method: 'record', storeHash, outcome: outcome.outcome });
      fail();
    },
    async unregister(storeHash) {
      calls.push({ method: 'unregister', storeHash });
      fail();
    },
    async list() {
      fail();
      return { stores: [] };
    },
    async get() {
      return undefined;
    },
    async recordRun(storeHash, _startedAt, outcome) {
      calls.push({ method: 'recordRun', storeHash, outcome: outcome.outcome });
      fail();
    },
    async recordInterruption() {
      return 0;
    },
    async readCursor() {
      return undefined;
    },
    async writeCursor() {
      fail();
    },
  };
  return { registry, calls, state };
};

describe('Function: provision, its registry writes', () => {
  let h: ProvisionHarness;
  let warnings: string[];

  beforeAll(async () => {
    h = await startProvisionHarness();
  });

  beforeEach(() => {
    h.reset();
    warnings = [];
  });

  afterAll(async () => {
    await h.close();
  });

  const apiWith = (registry: StoreRegistry) => {
    const api: ProvisionApi = {
      deps: h.deps,
      leases: memoryLeases().leases,
      registry,
      settingsFor: () => settings,
      defaultScopes: SCOPES,
      unhandled: () => [],
      eventSourceNamePrefix: 'bigcommerce-webhooks-test',
      maxBodyBytes: 16_384,
      logger: { error: () => undefined, warn: (message) => void warnings.push(message) },
    };
    const handle = createProvisionApi(api);
    return async (fixture: string, change: Partial<APIGatewayProxyEventV2> = {}) => {
      const response = await handle(
        { ...loadEvent<APIGatewayProxyEventV2>('provision', fixture), ...change },
        fakeContext('bigcommerce-webhooks-test-provision'),
      );
      return {
        status: response.statusCode,
        body: JSON.parse(response.body ?? '{}') as {
          converged?: boolean;
          error?: { type: string; step?: string };
        },
      };
    };
  };

  it('answers a failed run with its own error when the registry cannot record it either, and warns', async () => {
    // Prepare
    const { registry, calls, state } = fakeRegistry();
    const send = apiWith(registry);
    state.failing = true;
    h.sandbox.faults.add({ status: 401 });

    // Act
    const response = await send('post-provision');

    // Assess
    expect(response.status).toBe(502);
    expect(response.body.error?.type).toBe('AccessRefusedError');
    expect(calls).toEqual([{ method: 'record', storeHash: STORE_HASH, outcome: 'failed' }]);
    expect(warnings).toEqual(['could not record the failed run in the store registry']);
  });

  it('answers 503 to call again when a run converged but the registry could not record it', async () => {
    // Prepare
    const { registry, state } = fakeRegistry();
    const send = apiWith(registry);
    state.failing = true;

    // Act
    const response = await send('post-provision');

    // Assess
    expect(response.status).toBe(503);
    expect(response.body.error?.type).toBe('TransientError');
  });

  it('does not unregister a store whose teardown failed', async () => {
    // Prepare
    const { registry, calls } = fakeRegistry();
    const send = apiWith(registry);
    await send('post-provision');
    h.sandbox.faults.add({ status: 401 });

    // Act
    const response = await send('delete-teardown');

    // Assess
    expect(response.status).toBe(502);
    expect(calls.map((call) => call.method)).toEqual(['record']);
  });

  it("keeps a store registered whose teardown left a chain it could not show to be the store's", async () => {
    // Prepare: a custom-named chain, untagged, that no webhook of the store points at any more
    const { registry, calls } = fakeRegistry();
    const send = apiWith(registry);
    const name = 'my-custom-chain';
    await send('post-provision', { body: JSON.stringify({ storeHash: STORE_HASH, eventSourceName: name }) });
    await h.eventBridge.untagChain(FULL_SOURCE_NAME.replace(/[^/]+$/, name));
    h.sandbox.state.webhooks.length = 0;

    // Act
    const response = await send('delete-teardown', { queryStringParameters: { eventSourceName: name } });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.converged).toBe(false);
    expect(calls.map((call) => call.method)).toEqual(['record']);
  });

  it("reports status against the store's recorded desired state, not the default scopes", async () => {
    // Prepare: the store registered for one scope of the harness's three
    const { registry } = memoryRegistry();
    const send = apiWith(registry);
    const posted = await send('post-provision', {
      body: JSON.stringify({ storeHash: STORE_HASH, scopes: ['store/order/created'] }),
    });

    // Act
    const status = await send('get-status');

    // Assess
    expect(posted.status).toBe(200);
    const resources = (status.body as { resources?: { resource: string; scope?: string; status: string }[] })
      .resources;
    expect(status.status).toBe(200);
    expect(status.body.converged).toBe(true);
    expect(resources?.filter((entry) => entry.resource === 'webhook')).toEqual([
      expect.objectContaining({ scope: 'store/order/created', status: 'present' }),
    ]);
  });

  it('reports an unregistered store against the default scopes', async () => {
    // Prepare
    const { registry } = memoryRegistry();
    const send = apiWith(registry);

    // Act
    const status = await send('get-status');

    // Assess
    const resources = (status.body as { resources?: { resource: string; scope?: string; status: string }[] })
      .resources;
    expect(status.status).toBe(200);
    expect(status.body.converged).toBe(false);
    expect(resources?.filter((entry) => entry.resource === 'webhook').map((entry) => entry.scope)).toEqual(
      SCOPES,
    );
  });
});
