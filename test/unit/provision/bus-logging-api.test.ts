import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalCloudWatchLogs, startCloudWatchLogs } from '../../../local/cloudwatch-logs.js';
import { partnerSourceHook } from '../../../local/sandbox/partner-source-hook.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
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

interface Body {
  entries?: { resource: string; action: string; part?: string }[];
  resources?: { resource: string; status: string; part?: string }[];
  stores?: { storeHash: string; desired: { logging?: string } }[];
  error?: { type: string; issues?: { field: string; message: string }[] };
}

const PREFIX = 'bigcommerce-webhooks-test';

describe('Function: provision (logging field)', () => {
  let eventBridge: ProvisionEventBridge;
  let sandbox: Sandbox;
  let dynamo: LocalDynamo;
  let logs: LocalCloudWatchLogs;
  let handler: Handler;
  // Each test its own store: the registry table is shared by the file.
  let storeHash: string;
  let next = 0;

  const invoke = async (event: APIGatewayProxyEventV2) => {
    const response = await handler(event, fakeContext(`${PREFIX}-provision`));
    return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') as Body };
  };
  const post = (body: Record<string, unknown>) => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    event.body = JSON.stringify({ storeHash, ...body });
    return invoke(event);
  };
  const get = () => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'get-status');
    event.pathParameters = { storeHash };
    event.queryStringParameters = {};
    return invoke(event);
  };
  const logging = (rows: { resource: string; part?: string }[] | undefined, field: 'action' | 'status') =>
    (rows ?? [])
      .filter((row) => row.resource === 'logging')
      .map((row) => `${row.part}:${(row as Record<string, unknown>)[field]}`);

  beforeAll(async () => {
    eventBridge = await startProvisionEventBridge();
    logs = await startCloudWatchLogs();
    const stores = Array.from({ length: 8 }, (_, index) => `l0gstore${index}`);
    sandbox = await startSandbox({
      accounts: stores.map((hash) => ({ storeHash: hash, token: TOKEN, clientId: CLIENT_ID })),
      onEventSourceCreated: partnerSourceHook(eventBridge.partners),
    });
    dynamo = await startDynalite();
    vi.stubEnv('BIGCOMMERCE_API_URL', sandbox.url);
    vi.stubEnv('BIGCOMMERCE_CLIENT_ID', CLIENT_ID);
    vi.stubEnv('BIGCOMMERCE_ACCESS_TOKEN', TOKEN);
    vi.stubEnv('AWS_ACCOUNT_ID', ACCOUNT);
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', eventBridge.emulator.url);
    // The standard variable the offline stack sets: the function's own client reaches the emulator.
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', logs.url);
    vi.stubEnv('WEBHOOK_QUEUE_NAME', QUEUE_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('WEBHOOK_DLQ_NAME', DLQ_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('EVENT_SOURCE_NAME_PREFIX', PREFIX);
    vi.stubEnv('RULE_NAME', settings.ruleName);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('STORES_TABLE_NAME', await dynamo.createStoresTable());
    ({ handler } = (await import('../../../functions/provision/handler.js')) as unknown as {
      handler: Handler;
    });
  });

  beforeEach(() => {
    storeHash = `l0gstore${next++}`;
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo.stop();
    await sandbox.close();
    await logs.close();
    await eventBridge.close();
  });

  it('answers 400 for a logging level that is not off, error, info or trace, and changes nothing', async () => {
    // Prepare: the emulator is shared by this file's tests, which may have run before
    const before = eventBridge.mutations().length;

    // Act
    const response = await post({ logging: 'debug' });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error?.issues).toEqual([
      expect.objectContaining({
        field: 'logging',
        message: expect.stringContaining('off, error, info or trace'),
      }),
    ]);
    expect(eventBridge.mutations().slice(before)).toEqual([]);
  });

  it('answers 400 for bus logging on an HTTPS store, which has no partner bus, and changes nothing', async () => {
    // Prepare: the emulator is shared by this file's tests, which may have run before
    const before = eventBridge.mutations().length;

    // Act
    const response = await post({ logging: 'info', transport: 'https' });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error?.issues).toEqual([
      expect.objectContaining({
        field: 'logging',
        message: expect.stringContaining('EventBridge transport only'),
      }),
    ]);
    expect(eventBridge.mutations().slice(before)).toEqual([]);
  });

  it('turns logging on for POST logging: info, keeps it in the registry, and GET reports it present', async () => {
    // Act
    const created = await post({ logging: 'info' });
    const report = await get();

    // Assess
    expect(created.status).toBe(200);
    expect(logging(created.body.entries, 'action')).toEqual([
      'log-config:created',
      expect.stringMatching(/^destination:(created|unchanged)$/),
      'delivery:created',
      'delivery:created',
    ]);
    expect(
      logs.deliveries().filter((delivery) => delivery.deliverySourceName.includes(storeHash)),
    ).toHaveLength(2);
    // GET compares with the registered level: without it, status would not show the logging at all.
    expect(logging(report.body.resources, 'status')).toEqual([
      'log-config:present',
      'destination:present',
      'delivery:present',
      'delivery:present',
    ]);
  });

  it('turns logging off when a later POST leaves it out (the default is off)', async () => {
    // Prepare
    await post({ logging: 'trace' });

    // Act
    const off = await post({});
    const report = await get();

    // Assess
    expect(off.status).toBe(200);
    expect(logging(off.body.entries, 'action')).toEqual([
      'delivery:deleted',
      'delivery:deleted',
      'delivery:deleted',
      'log-config:deleted',
    ]);
    expect(logs.sources().filter((source) => source.name.includes(storeHash))).toEqual([]);
    expect(logging(report.body.resources, 'status')).toEqual([]);
  });
});
