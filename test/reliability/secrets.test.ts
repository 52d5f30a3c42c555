import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProvisionError } from '../../shared/provisioning/errors.js';
import { provision } from '../../shared/provisioning/provision.js';
import { fakeContext } from '../helpers/context.js';
import { type LocalDynamo, startDynalite } from '../helpers/dynalite.js';
import { loadEvent } from '../helpers/load-event.js';
import { CLIENT_ID, DLQ_ARN, QUEUE_ARN, settings } from '../helpers/provision-harness.js';
import { type Chain, startChain } from './chain.js';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: ReturnType<typeof fakeContext>,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Distinctive enough that finding it anywhere can only mean it leaked. */
const SECRET = `bc-token-${randomUUID()}`;

/** Every byte written to stdout/stderr and every console call while `work` runs (nothing is forwarded). */
const captureOutput = async <T>(work: () => Promise<T>) => {
  const written: string[] = [];
  const record = (chunk: unknown) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(record),
    vi.spyOn(process.stderr, 'write').mockImplementation(record),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        written.push(args.map((arg) => inspect(arg, { depth: 10 })).join(' '));
      }),
    ),
  ];
  try {
    return { result: await work(), written };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
};

describe('Secrets: the BigCommerce access token is never echoed', () => {
  let chain: Chain;
  let dynamo: LocalDynamo;
  let handler: Handler;

  const invoke = async (name: string) => {
    const response = await handler(loadEvent('provision', name), fakeContext());
    return { status: response.statusCode, raw: response.body ?? '' };
  };

  beforeAll(async () => {
    chain = await startChain({ token: SECRET });
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', chain.emulator.url);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('BIGCOMMERCE_API_URL', chain.sandbox.url);
    vi.stubEnv('BIGCOMMERCE_CLIENT_ID', CLIENT_ID);
    vi.stubEnv('BIGCOMMERCE_ACCESS_TOKEN', SECRET);
    vi.stubEnv('AWS_ACCOUNT_ID', settings.awsAccount);
    vi.stubEnv('WEBHOOK_QUEUE_NAME', QUEUE_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('WEBHOOK_DLQ_NAME', DLQ_ARN.split(':').at(-1) ?? '');
    vi.stubEnv('EVENT_SOURCE_NAME_PREFIX', 'bigcommerce-webhooks-test');
    vi.stubEnv('RULE_NAME', settings.ruleName);
    dynamo = await startDynalite();
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('STORES_TABLE_NAME', await dynamo.createStoresTable());
    ({ handler } = (await import('../../functions/provision/handler.js')) as unknown as { handler: Handler });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo.stop();
    await chain.close();
  });

  it('appears in no log line, response body or error message of POST, GET, DELETE and failing runs', async () => {
    // Prepare: retries (warn lines), a permanent refusal and an exhausted retry budget (error lines)
    const { faults } = chain.sandbox;

    // Act
    const { result: responses, written } = await captureOutput(async () => {
      faults.add({ match: 'listWebhooks', status: 429, resetMs: 5 });
      faults.add({ match: 'createEventBridgeWebhook', drop: true });
      const posted = await invoke('post-provision');
      const status = await invoke('get-status');
      faults.add({ match: 'listWebhooks', status: 403 });
      const refused = await invoke('get-status');
      const removed = await invoke('delete-teardown');
      faults.add({ match: 'createEventBridgeWebhook', status: 503, times: 4 });
      const exhausted = await invoke('post-provision');
      return { posted, status, refused, removed, exhausted };
    });
    faults.add({ match: 'listWebhooks', status: 401 });
    const thrown = await provision(chain.request(), settings, chain.deps).catch((error: unknown) => error);

    // Assess
    expect(Object.values(responses).map((response) => response.status)).toEqual([200, 200, 502, 200, 503]);
    expect(chain.sandbox.calls.length).toBeGreaterThan(10);
    const logs = written.join('\n');
    expect(logs).toContain('retrying BigCommerce call');
    expect(logs).toContain('provision request failed');
    expect(logs).toContain('webhook created');
    expect(logs).not.toContain(SECRET);
    for (const response of Object.values(responses)) expect(response.raw).not.toContain(SECRET);
    expect(thrown).toBeInstanceOf(ProvisionError);
    expect(inspect(thrown, { depth: 10 })).not.toContain(SECRET);
    expect(JSON.stringify(chain.log.lines)).not.toContain(SECRET);
  });
});
