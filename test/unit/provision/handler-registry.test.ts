import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { partnerSourceHook } from '../../../local/sandbox/partner-source-hook.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import { SUBSCRIBED_SCOPES } from '../../../shared/bigcommerce/scopes/subscribed.js';
import { collapseScopes } from '../../../shared/provisioning/scopes.js';
import { fakeContext } from '../../helpers/context.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { loadEvent } from '../../helpers/load-event.js';
import {
  ACCOUNT,
  type ProvisionEventBridge,
  startProvisionEventBridge,
} from '../../helpers/provision-eventbridge.js';
import { CLIENT_ID, DLQ_ARN, QUEUE_ARN, settings, TOKEN } from '../../helpers/provision-harness.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof fakeContext>,
) => Promise<APIGatewayProxyStructuredResultV2>;

interface ListedStore {
  storeHash: string;
  desired: { scopes: string[]; eventSourceName: string; prune: boolean };
  registeredAt: string;
  lastRun?: { outcome: string; startedAt: string; endedAt: string; step?: string; type?: string };
}

const PREFIX = 'bigcommerce-webhooks-test';
const FIRST = 'k7q2m9x4p1';
const SECOND = 'b3n8w2r6t0';

describe('Function: provision (store registry)', () => {
  let eventBridge: ProvisionEventBridge;
  let sandbox: Sandbox;
  let dynamo: LocalDynamo;
  let table: string;
  let handler: Handler;

  const invoke = async (event: APIGatewayProxyEventV2) => {
    const response = await handler(event, fakeContext(`${PREFIX}-provision`));
    const body = JSON.parse(response.body ?? '{}') as {
      stores?: ListedStore[];
      next?: string;
      converged?: boolean;
      error?: { type: string; step?: string; issues?: { field: string; message: string }[] };
    };
    return { status: response.statusCode, body };
  };
  const post = (body: Record<string, unknown>) => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    event.body = JSON.stringify(body);
    return invoke(event);
  };
  const remove = (storeHash: string, query: Record<string, string> = {}) => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'delete-teardown');
    event.pathParameters = { storeHash };
    event.queryStringParameters = query;
    return invoke(event);
  };
  const list = (query: Record<string, string> = {}) => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'list-stores');
    event.queryStringParameters = query;
    return invoke(event);
  };

  beforeAll(async () => {
    eventBridge = await startProvisionEventBridge();
    sandbox = await startSandbox({
      accounts: [FIRST, SECOND].map((storeHash) => ({ storeHash, token: TOKEN, clientId: CLIENT_ID })),
      onEventSourceCreated: partnerSourceHook(eventBridge.partners),
    });
    dynamo = await startDynalite();
    table = await dynamo.createStoresTable();
    vi.stubEnv('BIGCOMMERCE_API_URL', sandbox.url);
    vi.stubEnv('BIGCOMMERCE_CLIENT_ID', CLIENT_ID);
    vi.stubEnv('BIGCOMMERCE_ACCESS_TOKEN', TOKEN);
    vi.stubEnv('AWS_ACCOUNT_ID', ACCOUNT);
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', eventBridge.emulator.url);
    vi.stubEnv('WEBHOOK_QUEUE_NAME', QUEUE_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('WEBHOOK_DLQ_NAME', DLQ_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('EVENT_SOURCE_NAME_PREFIX', PREFIX);
    vi.stubEnv('RULE_NAME', settings.ruleName);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('STORES_TABLE_NAME', table);
    ({ handler } = (await import('../../../functions/provision/handler.js')) as unknown as {
      handler: Handler;
    });
  });

  // Each test starts from nothing: no source, bus, rule, target, webhook, fault or stores-table item.
  beforeEach(async () => {
    eventBridge.reset();
    sandbox.state.eventSources.length = 0;
    sandbox.state.webhooks.length = 0;
    sandbox.faults.clear();
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: table }));
    for (const item of Items) {
      // Emptied, not deleted: the same UpdateItem path the functions use, so no DeleteItem is assumed.
      const names = Object.keys(item).filter((name) => name !== 'storeHash');
      if (names.length === 0) continue;
      await dynamo.client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { storeHash: item.storeHash ?? { S: '' } },
          UpdateExpression: `REMOVE ${names.map((_, i) => `#a${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
        }),
      );
    }
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo.stop();
    await sandbox.close();
    await eventBridge.close();
  });

  it('registers a store a POST provisioned, with its desired state and a converged last run', async () => {
    // Act
    const created = await post({ storeHash: FIRST });
    const listed = await list();

    // Assess
    expect(created.status).toBe(200);
    expect(listed.status).toBe(200);
    expect(listed.body.next).toBeUndefined();
    expect(listed.body.stores).toEqual([
      {
        storeHash: FIRST,
        desired: {
          scopes: collapseScopes([...SUBSCRIBED_SCOPES]),
          eventSourceName: `${PREFIX}-${FIRST}`,
          prune: false,
          transport: 'eventbridge',
          logging: 'off',
        },
        registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        lastRun: {
          outcome: 'converged',
          startedAt: expect.any(String),
          endedAt: expect.any(String),
        },
      },
    ]);
  });

  it('updates the desired state on a second POST, keeping when the store was registered', async () => {
    // Prepare
    await post({ storeHash: FIRST });
    const before = (await list()).body.stores?.[0];

    // Act
    const updated = await post({
      storeHash: FIRST,
      scopes: ['store/cart/*'],
      prune: true,
      allowUnhandled: true,
    });
    const after = (await list()).body.stores;

    // Assess
    expect(updated.status).toBe(200);
    expect(after).toHaveLength(1);
    expect(after?.[0]?.desired).toEqual({
      scopes: ['store/cart/*'],
      eventSourceName: `${PREFIX}-${FIRST}`,
      prune: true,
      transport: 'eventbridge',
      logging: 'off',
    });
    expect(after?.[0]?.registeredAt).toBe(before?.registeredAt);
    expect(after?.[0]?.lastRun?.outcome).toBe('converged');
  });

  it('records a failed POST with the step and error type it stopped at', async () => {
    // Prepare: BigCommerce refuses the token from the first call on
    sandbox.faults.add({ status: 401 });

    // Act
    const failed = await post({ storeHash: FIRST });
    const listed = await list();

    // Assess
    expect(failed.status).toBe(502);
    expect(listed.body.stores).toHaveLength(1);
    expect(listed.body.stores?.[0]?.lastRun).toMatchObject({
      outcome: 'failed',
      step: failed.body.error?.step,
      type: 'AccessRefusedError',
    });
    expect(failed.body.error?.step).toEqual(expect.any(String));
  });

  it('registers nothing for a dry run, and a dry-run DELETE leaves a registered store registered', async () => {
    // Act
    const planned = await post({ storeHash: FIRST, dryRun: true });
    const afterPlan = await list();
    await post({ storeHash: SECOND });
    const dryDelete = await remove(SECOND, { dryRun: 'true' });
    const afterDryDelete = await list();

    // Assess
    expect(planned.status).toBe(200);
    expect(afterPlan.body.stores).toEqual([]);
    expect(dryDelete.status).toBe(200);
    expect(afterDryDelete.body.stores?.map((store) => store.storeHash)).toEqual([SECOND]);
  });

  it('unregisters a store once DELETE tore it down, and keeps it when the teardown failed', async () => {
    // Prepare
    await post({ storeHash: FIRST });
    await post({ storeHash: SECOND });
    sandbox.faults.add({ status: 401 });

    // Act
    const refused = await remove(SECOND);
    const removed = await remove(FIRST);
    const listed = await list();

    // Assess
    expect(refused.status).toBe(502);
    expect(removed.status).toBe(200);
    expect(removed.body.converged).toBe(true);
    expect(listed.body.stores?.map((store) => store.storeHash)).toEqual([SECOND]);
  });

  it('does not list a store that only ever held a lease (a DELETE of a store never provisioned)', async () => {
    // Act
    const removed = await remove(FIRST);
    const listed = await list();

    // Assess
    expect(removed.status).toBe(200);
    expect(listed.body.stores).toEqual([]);
  });

  it('lists two registered stores, and one a page with limit=1 following next', async () => {
    // Prepare
    await post({ storeHash: FIRST });
    await post({ storeHash: SECOND });

    // Act
    const all = await list();
    const pages: ListedStore[][] = [];
    let next: string | undefined;
    do {
      const page = await list({ limit: '1', ...(next && { next }) });
      expect(page.status).toBe(200);
      pages.push(page.body.stores ?? []);
      next = page.body.next;
    } while (next && pages.length < 5);

    // Assess
    expect(all.body.stores?.map((store) => store.storeHash).sort()).toEqual([SECOND, FIRST]);
    expect(pages.every((page) => page.length <= 1)).toBe(true);
    expect(pages[0]).toHaveLength(1);
    expect(
      pages
        .flat()
        .map((store) => store.storeHash)
        .sort(),
    ).toEqual([SECOND, FIRST]);
    expect(next).toBeUndefined();
  });

  it('answers 400 for an unknown, out-of-range or forged query parameter, naming the one meant', async () => {
    // Act
    const typo = await list({ limt: '1' });
    const zero = await list({ limit: '0' });
    const tooMany = await list({ limit: '101' });
    const forged = await list({ next: 'not-a-token' });

    // Assess
    expect(typo.status).toBe(400);
    expect(typo.body.error?.issues).toEqual([
      { field: 'limt', message: 'unknown parameter limt; did you mean limit?' },
    ]);
    expect(zero.status).toBe(400);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error?.issues?.[0]?.field).toBe('limit');
    expect(forged.status).toBe(400);
    expect(forged.body.error?.issues?.[0]?.field).toBe('next');
  });
});
