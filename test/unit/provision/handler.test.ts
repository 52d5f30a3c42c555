import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SUBSCRIBED_SCOPES } from '../../../shared/bigcommerce/scopes/subscribed.js';
import { fakeContext } from '../../helpers/context.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { loadEvent } from '../../helpers/load-event.js';
import { ACCOUNT } from '../../helpers/provision-eventbridge.js';
import {
  CLIENT_ID,
  DLQ_ARN,
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  QUEUE_ARN,
  STORE_HASH,
  settings,
  startProvisionHarness,
  TOKEN,
} from '../../helpers/provision-harness.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof fakeContext>,
) => Promise<APIGatewayProxyStructuredResultV2>;

const MAX_BODY_BYTES = 1_024;

describe('Function: provision (HTTP adapter)', () => {
  let h: ProvisionHarness;
  let dynamo: LocalDynamo;
  let handler: Handler;

  const invoke = async (event: APIGatewayProxyEventV2) => {
    const response = await handler(event, fakeContext('bigcommerce-webhooks-test-provision'));
    const body = JSON.parse(response.body ?? '{}') as Record<string, unknown> & {
      entries?: { resource: string; action: string }[];
      resources?: { resource: string; status: string; state?: string; scope?: string; wanted?: boolean }[];
      error?: {
        step?: string;
        type: string;
        message: string;
        retryable?: boolean;
        issues?: { field: string; message: string }[];
      };
    };
    return { status: response.statusCode, headers: response.headers ?? {}, raw: response.body ?? '', body };
  };
  const post = (body: unknown) => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    event.body = typeof body === 'string' ? body : JSON.stringify(body);
    return invoke(event);
  };

  beforeAll(async () => {
    h = await startProvisionHarness();
    vi.stubEnv('BIGCOMMERCE_API_URL', h.sandbox.url);
    vi.stubEnv('BIGCOMMERCE_CLIENT_ID', CLIENT_ID);
    vi.stubEnv('BIGCOMMERCE_ACCESS_TOKEN', TOKEN);
    vi.stubEnv('AWS_ACCOUNT_ID', ACCOUNT);
    // The handler builds its own client from the environment: point it at the harness's emulator.
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', h.eventBridge.emulator.url);
    vi.stubEnv('WEBHOOK_QUEUE_NAME', QUEUE_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('WEBHOOK_DLQ_NAME', DLQ_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('EVENT_SOURCE_NAME_PREFIX', 'bigcommerce-webhooks-test');
    vi.stubEnv('RULE_NAME', settings.ruleName);
    dynamo = await startDynalite();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('STORES_TABLE_NAME', await dynamo.createStoresTable());
    vi.stubEnv('PROVISION_MAX_BODY_BYTES', String(MAX_BODY_BYTES));
    ({ handler } = (await import('../../../functions/provision/handler.js')) as unknown as {
      handler: Handler;
    });
  });

  // Each test starts from nothing: no source, bus, rule, target, webhook or fault.
  beforeEach(() => {
    h.reset();
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo.stop();
    await h.close();
  });

  it('provisions the registry scopes for POST /provision, then reports them present for GET', async () => {
    // Act
    const created = await invoke(loadEvent('provision', 'post-provision'));
    const status = await invoke(loadEvent('provision', 'get-status'));

    // Assess
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ storeHash: STORE_HASH, dryRun: false, converged: true });
    expect(created.body.entries?.map((entry) => `${entry.resource}:${entry.action}`)).toEqual([
      'source:created',
      'bus:created',
      'rule:created',
      'target:created',
      ...SUBSCRIBED_SCOPES.map(() => 'webhook:created'),
    ]);
    expect(h.eventBridge.targetsOf(FULL_SOURCE_NAME, settings.ruleName)).toEqual([
      expect.objectContaining({ Arn: QUEUE_ARN, DeadLetterConfig: { Arn: DLQ_ARN } }),
    ]);
    expect(status.status).toBe(200);
    expect(status.body.converged).toBe(true);
    expect(status.body.resources?.map((entry) => entry.status)).toEqual(
      Array(4 + SUBSCRIBED_SCOPES.length).fill('present'),
    );
    expect(status.body.resources?.[0]).toMatchObject({ resource: 'source', state: 'ACTIVE' });
    expect(created.raw).not.toContain(TOKEN);
  });

  it('reports status against the scopes GET names in ?scopes=, not only the registry', async () => {
    // Prepare
    await post({ storeHash: STORE_HASH, scopes: ['store/cart/*'], allowUnhandled: true });
    const get = (scopes: string) => {
      const event = loadEvent<APIGatewayProxyEventV2>('provision', 'get-status');
      event.queryStringParameters = { scopes };
      return invoke(event);
    };

    // Act
    const named = await get('store/cart/*');
    const invalid = await get('store/cart/*,store/teleporter/created');

    // Assess
    const cart = named.body.resources?.find(
      (entry) => entry.resource === 'webhook' && entry.scope === 'store/cart/*',
    );
    expect(cart).toMatchObject({ status: 'present', wanted: true });
    expect(invalid.status).toBe(400);
    expect(invalid.raw).toContain('store/teleporter/created');
  });

  it('tears down for DELETE /provision/{storeHash}; GET then shows what is missing', async () => {
    // Prepare
    await invoke(loadEvent('provision', 'post-provision'));

    // Act
    const removed = await invoke(loadEvent('provision', 'delete-teardown'));
    const status = await invoke(loadEvent('provision', 'get-status'));

    // Assess
    expect(removed.status).toBe(200);
    expect(removed.body.entries?.filter((entry) => entry.action === 'deleted')).toHaveLength(
      3 + SUBSCRIBED_SCOPES.length,
    );
    expect(status.body.converged).toBe(false);
    expect(status.body.resources?.map((entry) => `${entry.resource}:${entry.status}`)).toEqual([
      'source:present',
      'bus:missing',
      'rule:missing',
      'target:missing',
      ...SUBSCRIBED_SCOPES.map(() => 'webhook:missing'),
    ]);
  });

  it('answers 400 naming each bad field, and explains that a channel scope needs a channel id', async () => {
    // Act
    const response = await post({
      storeHash: 'NOT A HASH',
      scopes: ['store/channel/{channel_id}/cart/created'],
      accessToken: 'x',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error?.issues?.map((issue) => issue.field).sort()).toEqual([
      'accessToken',
      'scopes.0',
      'storeHash',
    ]);
    expect(response.body.error?.issues?.find((issue) => issue.field === 'scopes.0')?.message).toMatch(
      /needs a concrete channel id.*store\/channel\/1\/cart\/created/,
    );
    expect(response.body.error?.issues?.find((issue) => issue.field === 'accessToken')?.message).toBe(
      'unknown field accessToken',
    );
  });

  it('answers 400 for a body that is not JSON, and for scopes without a handler unless allowed', async () => {
    // Act
    const notJson = await post('{"storeHash":');
    const unhandled = await post({ storeHash: STORE_HASH, scopes: ['store/order/*'], dryRun: true });
    const allowed = await post({
      storeHash: STORE_HASH,
      scopes: ['store/order/*', 'store/channel/1/cart/created'],
      dryRun: true,
      allowUnhandled: true,
    });

    // Assess
    expect(notJson.status).toBe(400);
    expect(unhandled.status).toBe(400);
    expect(unhandled.body.error).toMatchObject({
      type: 'UnhandledScopes',
      message: expect.stringMatching(/store\/order\/\*/),
    });
    expect(allowed.status).toBe(200);
    expect(
      allowed.body.entries?.filter((entry) => entry.resource === 'webhook').map((entry) => entry.action),
    ).toEqual(['would-create', 'would-create']);
  });

  it('answers 413 for a body over the size cap, also when base64-encoded', async () => {
    // Prepare
    const big = JSON.stringify({ storeHash: STORE_HASH, eventSourceName: 'x'.repeat(MAX_BODY_BYTES) });
    const encoded = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    encoded.body = Buffer.from(big).toString('base64');
    encoded.isBase64Encoded = true;

    // Act
    const plain = await post(big);
    const base64 = await invoke(encoded);

    // Assess
    expect(plain.status).toBe(413);
    expect(base64.status).toBe(413);
    expect(plain.body.error?.message).toMatch(/limit is 1024/);
  });

  it('builds ARNs in AWS_ACCOUNT_ID, not in an account a request or a context names', async () => {
    // Prepare: serverless offline's placeholders, and a request context of another account
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    event.body = JSON.stringify({ storeHash: STORE_HASH, dryRun: true });
    event.requestContext.accountId = '210987654321';
    const context = { ...fakeContext(), invokedFunctionArn: 'offline_invokedFunctionArn_for_provision' };

    // Act
    const response = await handler(event, context);

    // Assess
    expect(JSON.parse(response.body ?? '{}').entries).toContainEqual(
      expect.objectContaining({ resource: 'target', arn: QUEUE_ARN }),
    );
  });

  it('answers 404 for an unknown route and 400 for a bad store hash in the path', async () => {
    // Prepare
    const unknown = loadEvent<APIGatewayProxyEventV2>('provision', 'get-status');
    unknown.routeKey = 'PUT /provision/{storeHash}';
    const badHash = loadEvent<APIGatewayProxyEventV2>('provision', 'get-status');
    badHash.pathParameters = { storeHash: '../etc' };

    // Act
    const notFound = await invoke(unknown);
    const invalid = await invoke(badHash);

    // Assess
    expect(notFound.status).toBe(404);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error?.issues?.[0]?.field).toBe('storeHash');
  });

  it('answers 503 with Retry-After, the failed step and the entries done, when BigCommerce stays rate-limited', async () => {
    // Prepare
    await invoke(loadEvent('provision', 'delete-teardown'));
    h.sandbox.faults.add({ match: 'listWebhooks', status: 429, resetMs: 5, times: 4 });

    // Act
    const response = await invoke(loadEvent('provision', 'post-provision'));

    // Assess
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body.error).toMatchObject({ step: 'webhooks', type: 'TransientError', retryable: true });
    expect(response.body.entries?.map((entry) => entry.resource)).toEqual([
      'source',
      'bus',
      'rule',
      'target',
    ]);
  });

  it('answers 502 naming the step when BigCommerce refuses the token', async () => {
    // Prepare: a provisioned store, so status has webhooks to read from BigCommerce
    await invoke(loadEvent('provision', 'post-provision'));
    h.sandbox.faults.add({ status: 401 });

    // Act
    const response = await invoke(loadEvent('provision', 'get-status'));

    // Assess
    expect(response.status).toBe(502);
    expect(response.body.error).toMatchObject({ type: 'AccessRefusedError', retryable: false });
    expect(response.raw).not.toContain(TOKEN);
  });

  it('answers 409 when BigCommerce deleted the source, and GET reports it as drifted', async () => {
    // Prepare
    await invoke(loadEvent('provision', 'post-provision'));
    await h.eventBridge.deletePartnerSource(FULL_SOURCE_NAME);

    // Act
    const response = await invoke(loadEvent('provision', 'post-provision'));
    const status = await invoke(loadEvent('provision', 'get-status'));

    // Assess
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ step: 'source', type: 'ConflictError' });
    expect(status.body.resources?.[0]).toMatchObject({
      resource: 'source',
      status: 'drifted',
      state: 'DELETED',
    });
  });
});
