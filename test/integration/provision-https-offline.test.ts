import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BatchReport } from '../../local/event-source-mapping.js';
import { SANDBOX_STORE, type Stack, startStack } from '../../local/stack.js';
import { until } from '../helpers/until.js';
import { copyWorkTree, type WorkTreeCopy } from '../helpers/work-tree-copy.js';

const STORE = SANDBOX_STORE.storeHash;
const SCOPE = 'store/order/created';

interface Answer {
  status: number;
  body: {
    converged?: boolean;
    transport?: string;
    entries?: { resource: string; action: string; transport?: string }[];
    resources?: { resource: string; status: string }[];
  };
}

let tree: WorkTreeCopy;
let stack: Stack;
let httpPort: number;
const batches: BatchReport[] = [];

// One stack for the file: serverless offline takes ~10 s to bundle and start.
beforeAll(async () => {
  tree = copyWorkTree('provision-https-offline');
  stack = await startStack({
    consume: 'serverless-offline',
    ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0, http: 0, lambda: 0 },
    serverlessCwd: tree.dir,
    onBatch: (report) => batches.push(report),
  });
  httpPort = Number(new URL(stack.offline?.httpUrl ?? '').port);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  tree?.remove();
});

beforeEach(async () => {
  await stack.eventBridge.idle();
  stack.eventBridge.reset();
  stack.sandbox.state.eventSources.length = 0;
  stack.sandbox.state.webhooks.length = 0;
  batches.length = 0;
});

const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
  const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
};
const hooks = () =>
  stack.sandbox.state.webhooks.map((hook) => [
    hook.transport ?? 'eventbridge',
    hook.destination,
    hook.isActive,
  ]);

describe('Offline stack: provisioning a store on the HTTPS transport (serverless offline, HTTP)', () => {
  it('points the webhooks at the local ingress, which queues a fired event; then switches both ways and tears down', async () => {
    // Act: HTTPS
    const created = await call('POST', '/provision', {
      storeHash: STORE,
      scopes: [SCOPE],
      transport: 'https',
    });
    const fired = await fetch(`${stack.sandbox.url}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: STORE, scope: SCOPE, id: 5101 }),
    });
    const delivered = (await fired.json()) as { https: { status: number }[] };
    await until(
      () => batches.some((batch) => batch.records.some((record) => record.body.includes('5101'))),
      30_000,
    );
    const httpsStatus = await call('GET', `/provision/${STORE}`);

    // Assess
    const ingress = `http://127.0.0.1:${httpPort}/webhooks/${STORE}`;
    expect(created.status).toBe(200);
    expect(created.body.entries).toEqual([
      expect.objectContaining({ resource: 'webhook', action: 'created', transport: 'https' }),
    ]);
    expect(hooks()).toEqual([['https', ingress, true]]);
    expect(delivered.https.map((attempt) => attempt.status)).toEqual([200]);
    expect(httpsStatus.body).toMatchObject({ transport: 'https', converged: true });
    expect(stack.eventBridge.inspect.buses().filter((bus) => bus.name !== 'default')).toEqual([]);

    // Act: to EventBridge, and back
    const toEventBridge = await call('POST', '/provision', { storeHash: STORE, scopes: [SCOPE] });
    const onEventBridge = { hooks: hooks(), buses: stack.eventBridge.inspect.buses().length };
    const toHttps = await call('POST', '/provision', {
      storeHash: STORE,
      scopes: [SCOPE],
      transport: 'https',
    });
    const onHttps = hooks();
    const torn = await call('DELETE', `/provision/${STORE}`);

    // Assess
    expect(toEventBridge.body.converged).toBe(true);
    expect(onEventBridge.hooks).toEqual([['eventbridge', expect.stringContaining(':event-source/'), true]]);
    expect(onEventBridge.buses).toBe(2);
    expect(toHttps.body.converged).toBe(true);
    expect(toHttps.body.entries?.map((entry) => [entry.resource, entry.action])).toEqual([
      ['webhook', 'created'],
      ['webhook', 'deleted'],
      ['target', 'deleted'],
      ['rule', 'deleted'],
      ['bus', 'deleted'],
      ['source', 'unchanged'],
    ]);
    expect(onHttps).toEqual([['https', ingress, true]]);
    expect(torn.body.converged).toBe(true);
    expect(hooks()).toEqual([]);
  }, 120_000);
});
