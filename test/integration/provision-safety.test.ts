import { DeletePartnerEventSourceCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handlers } from '../../functions/consume/handlers/registry.js';
import type { BatchReport } from '../../local/event-source-mapping.js';
import { SANDBOX_STORE_HASHES } from '../../local/sandbox/stores.js';
import { type Stack, startStack } from '../../local/stack.js';
import { ACCOUNT_ID, REGION, SERVICE, STAGE } from '../../local/stack-config.js';
import { defaultEventSourceName } from '../../shared/provisioning/names.js';
import { until } from '../helpers/until.js';
import { copyWorkTree, type WorkTreeCopy } from '../helpers/work-tree-copy.js';

const PREFIX = `${SERVICE}-${STAGE}`;
const SCOPES = Object.keys(handlers).length;

interface Response {
  status: number;
  headers: Headers;
  body: {
    converged?: boolean;
    entries?: { resource: string; action: string }[];
    resources?: { resource: string; status: string }[];
    error?: {
      type: string;
      message: string;
      retryable?: boolean;
      issues?: { field: string; message: string }[];
    };
  };
}

/**
 * Safety of provisioning over real HTTP: both functions as `serverless offline` serves them (the deployed
 * bundles: provision behind the HTTP API, consume fed by the stack's SQS event source mapping), against the
 * offline stack's EventBridge emulator, dynalite (the stores table) and the BigCommerce sandbox with several
 * stores. serverless offline starts once for the file; before each test the emulator and the sandbox
 * forget every source, bus, rule, target and webhook, so no test sees what another made.
 */
describe('Offline stack: provisioning never touches what is not its own (serverless offline, HTTP)', () => {
  let stack: Stack;
  let tree: WorkTreeCopy | undefined;
  let partner: EventBridgeClient;
  /** serverless offline's HTTP port: a free one (the defaults may be taken by `npm start` or another run). */
  let httpPort: number;
  /** Every batch the bundled consume function was invoked with, and what it reported failed. */
  const batches: BatchReport[] = [];
  const [storeA = '', storeB = '', storeC = ''] = SANDBOX_STORE_HASHES;

  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Response['body'],
    };
  };
  const post = (body: unknown) => call('POST', '/provision', body);

  /** What of a store's chain exists: buses, rules and targets on its sources' buses, its active webhooks. */
  const chainOf = (storeHash: string) => {
    const names = new Set(
      stack.sandbox.state.eventSources.filter((source) => source.storeHash === storeHash).map((s) => s.name),
    );
    const buses = stack.eventBridge.inspect.buses().filter((bus) => names.has(bus.name));
    const rules = buses.flatMap((bus) => stack.eventBridge.inspect.rules(bus.name));
    const targets = rules.flatMap((rule) => stack.eventBridge.inspect.targets(rule.name, rule.busName));
    const webhooks = stack.sandbox.state.webhooks.filter(
      (hook) => hook.storeHash === storeHash && hook.isActive,
    );
    return { buses: buses.length, rules: rules.length, targets: targets.length, webhooks: webhooks.length };
  };
  const FULL = { buses: 1, rules: 1, targets: 1, webhooks: SCOPES };
  const NONE = { buses: 0, rules: 0, targets: 0, webhooks: 0 };

  beforeAll(async () => {
    // serverless offline in a copy of the tree: another file's `serverless package` would replace its bundles.
    tree = copyWorkTree('provision-safety');
    stack = await startStack({
      consume: 'serverless-offline',
      serverlessCwd: tree.dir,
      ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0, http: 0, lambda: 0 },
      // A short wait for a source BigCommerce names but EventBridge does not list.
      functionEnv: { EVENT_SOURCE_WAIT_MS: '1000' },
      onBatch: (report) => batches.push(report),
    });
    httpPort = Number(new URL(stack.offline?.httpUrl ?? '').port);
    partner = new EventBridgeClient({
      endpoint: stack.env.AWS_ENDPOINT_URL_EVENTBRIDGE,
      region: REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  }, 180_000);

  afterAll(async () => {
    partner?.destroy();
    await stack?.stop();
    tree?.remove();
  });

  beforeEach(async () => {
    // Deliveries and batches still in flight from a previous test finish before its state goes.
    await stack.eventBridge.idle();
    stack.eventBridge.reset();
    stack.sandbox.state.eventSources.length = 0;
    stack.sandbox.state.webhooks.length = 0;
    stack.sandbox.faults.clear();
    stack.sandbox.calls.length = 0;
    batches.length = 0;
  });

  /** The sandbox fires a store event once every EventBridge change is in effect; the event ids it sent. */
  const fire = async (storeHash: string, scope: string, data?: unknown) => {
    await stack.eventBridge.settled();
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash, scope, ...(data !== undefined && { data }) }),
    });
    const { delivered } = (await response.json()) as { delivered: { eventId?: string }[] };
    return delivered.map((event) => event.eventId ?? '');
  };
  /** The first batch report of the consume function that held the EventBridge event `eventId`. */
  const reportOf = (eventId: string) =>
    batches
      .flatMap((batch) => batch.records.map((record) => ({ batch, record })))
      .find(({ record }) => (JSON.parse(record.body) as { id?: string }).id === eventId);

  it("refuses with 409 naming the owner a DELETE, GET or POST of one store that names another store's source", async () => {
    // Prepare: two stores provisioned
    expect((await post({ storeHash: storeA })).status).toBe(200);
    expect((await post({ storeHash: storeB })).status).toBe(200);
    const nameOfA = defaultEventSourceName(PREFIX, storeA);

    // Act
    const deleted = await call('DELETE', `/provision/${storeB}?eventSourceName=${nameOfA}`);
    const status = await call('GET', `/provision/${storeB}?eventSourceName=${nameOfA}`);
    const posted = await post({ storeHash: storeB, eventSourceName: nameOfA });
    const fired = await fire(storeA, 'store/category/updated');

    // Assess
    for (const refused of [deleted, status, posted]) {
      expect(refused.status).toBe(409);
      expect(refused.body.error?.type).toBe('NotOwnedError');
      expect(refused.body.error?.message).toContain(`store ${storeA}'s`);
    }
    expect(chainOf(storeA)).toEqual(FULL);
    expect(chainOf(storeB)).toEqual(FULL);
    expect(fired).toHaveLength(1);
    const [record] = stack.eventBridge.inspect.events().slice(-1);
    expect(record?.matchedRules).toHaveLength(1);
  });

  it('answers 400 naming an unknown query parameter, with the key it was probably meant to be, and tears nothing down', async () => {
    // Prepare
    expect((await post({ storeHash: storeA })).status).toBe(200);

    // Act
    const typo = await call('DELETE', `/provision/${storeA}?dryrun=true`);
    const onGet = await call('GET', `/provision/${storeA}?eventSourcename=x`);
    const onPost = await call('POST', '/provision?dryRun=true', { storeHash: storeA });

    // Assess
    expect(typo.status).toBe(400);
    expect(typo.body.error?.issues).toEqual([
      { field: 'dryrun', message: 'unknown parameter dryrun; did you mean dryRun?' },
    ]);
    expect(onGet.status).toBe(400);
    expect(onGet.body.error?.issues?.[0]?.message).toContain('did you mean eventSourceName?');
    expect(onPost.status).toBe(400);
    expect(chainOf(storeA)).toEqual(FULL);
  });

  it('serializes 10 POSTs and 10 DELETEs of one store at once, 10 rounds: each round ends fully provisioned or fully torn down, and status says which', async () => {
    const rounds: { statuses: number[]; end: string }[] = [];
    for (let round = 0; round < 10; round += 1) {
      // Act: the requests interleaved, all in flight at once
      const requests = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0 ? post({ storeHash: storeC }) : call('DELETE', `/provision/${storeC}`),
      );
      const responses = await Promise.all(requests);
      const status = await call('GET', `/provision/${storeC}`);
      const found = chainOf(storeC);

      // Assess
      for (const response of responses) {
        // A failure names the round and prints the whole answer: what a run reported is the clue.
        const seen = `round ${round + 1}: ${response.status} ${JSON.stringify(response.body)}`;
        expect([200, 409], seen).toContain(response.status);
        if (response.status === 200) expect(response.body.converged, seen).toBe(true);
        else {
          expect(response.body.error?.type, seen).toBe('OperationInProgress');
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        }
      }
      expect(responses.filter((response) => response.status === 200).length).toBeGreaterThanOrEqual(1);
      expect([FULL, NONE]).toContainEqual(found);
      expect(status.status).toBe(200);
      expect(status.body.converged).toBe(found.buses === 1);
      rounds.push({
        statuses: responses.map((r) => r.status),
        end: found.buses === 1 ? 'provisioned' : 'torn down',
      });
    }
    expect(rounds).toHaveLength(10);
  }, 240_000);

  it('after BigCommerce deletes a source, answers 409 saying what recovers, and that recovery works', async () => {
    // Prepare: a provisioned store whose source BigCommerce then deletes
    const store = storeB;
    expect((await post({ storeHash: store })).status).toBe(200);
    const source = stack.sandbox.state.eventSources.find(
      (s) => s.storeHash === store && s.eventSourceName === defaultEventSourceName(PREFIX, store),
    );
    await partner.send(new DeletePartnerEventSourceCommand({ Name: source?.name, Account: ACCOUNT_ID }));

    // Act
    const refused = await post({ storeHash: store });
    const torn = await call('DELETE', `/provision/${store}`);
    const again = await post({ storeHash: store });
    const renamed = await post({
      storeHash: store,
      eventSourceName: `${defaultEventSourceName(PREFIX, store)}-2`,
    });

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/DELETE .* then .*another eventSourceName/);
    expect(torn.status).toBe(200);
    expect(again.status).toBe(409);
    expect(again.body.error?.message).toMatch(/POST with another eventSourceName/);
    expect(renamed.status).toBe(200);
    expect(renamed.body.converged).toBe(true);
  });

  it('the bundled consume function handles a fired event and reports only an invalid one failed', async () => {
    // Prepare
    expect((await post({ storeHash: storeA })).status).toBe(200);

    // Act: a valid category event and an order whose id is not a number
    const [valid = ''] = await fire(storeA, 'store/category/updated', { type: 'category', id: 42 });
    const [invalid = ''] = await fire(storeA, 'store/order/created', { type: 'order', id: 'not-a-number' });
    await until(() => reportOf(valid) !== undefined && reportOf(invalid) !== undefined);

    // Assess: the invocation itself worked, and only the invalid record is in its batchItemFailures
    const handled = reportOf(valid);
    const rejected = reportOf(invalid);
    expect(handled?.batch.error).toBeUndefined();
    expect(handled?.batch.failed).not.toContain(handled?.record.messageId);
    expect(rejected?.batch.error).toBeUndefined();
    expect(rejected?.batch.failed).toContain(rejected?.record.messageId);
  });
});
