import { spawn } from 'node:child_process';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { SchemaVariant } from '../../local/sandbox/schema.js';
import { startSandbox } from '../../local/sandbox/server.js';
import { SANDBOX_STORE_HASHES, SANDBOX_TOKEN } from '../../local/sandbox/stores.js';
import { startStack } from '../../local/stack.js';
import { createStoreGraphQL } from '../../shared/bigcommerce/graphql/client.js';
import { type DoctorInput, doctor } from '../../shared/ops/doctor.js';
import { createFakeLogger } from '../helpers/fake-logger.js';

const STORE = SANDBOX_STORE_HASHES[0];

const input = (overrides: Partial<DoctorInput> = {}): DoctorInput => ({
  storeHash: STORE,
  prefix: 'bigcommerce-webhooks-dev',
  queueName: 'bigcommerce-webhooks-dev-events',
  deadLetterQueueName: 'bigcommerce-webhooks-dev-events-dlq',
  ruleName: 'bigcommerce-webhooks-dev-to-queue',
  targetId: 'webhook-queue',
  clientId: 'sandbox-client-id',
  region: 'us-east-1',
  scopes: ['store/category/updated'],
  bigCommerceOnly: true,
  transport: 'eventbridge',
  ...overrides,
});

/** The doctor's BigCommerce checks against a sandbox serving `variant`. */
const doctorAgainst = async (
  variant: SchemaVariant,
  token = SANDBOX_TOKEN,
  overrides: Partial<DoctorInput> = {},
) => {
  const sandbox = await startSandbox({
    accounts: [{ storeHash: STORE, token: SANDBOX_TOKEN, clientId: 'sandbox-client-id' }],
    variant,
  });
  try {
    const graphql = createStoreGraphQL({
      apiUrl: sandbox.url,
      storeHash: STORE,
      token,
      retry: { attempts: 1 },
    });
    return await doctor(input(overrides), { graphql, logger: createFakeLogger().logger });
  } finally {
    await sandbox.close();
  }
};

/** Runs `npm run doctor` as a user would; resolves to its exit code and output. */
const runCli = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('npx', ['tsx', 'cli/doctor.ts', ...args], { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });

describe('npm run doctor: the checklist before a first provision', () => {
  it('passes against the offline stack: token, schema, createEventSource, account, queues and policy, sources, status', async () => {
    // Prepare
    const stack = await startStack({
      consume: async () => ({ batchItemFailures: [] }),
      ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0 },
    });
    const config = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const sqs = new SQSClient({ ...config, endpoint: stack.env.AWS_ENDPOINT_URL_SQS });
    const eventBridge = new EventBridgeClient({
      ...config,
      endpoint: stack.env.AWS_ENDPOINT_URL_EVENTBRIDGE,
    });
    try {
      // Act
      const report = await doctor(input({ bigCommerceOnly: false }), {
        graphql: createStoreGraphQL({
          apiUrl: stack.env.BIGCOMMERCE_API_URL ?? '',
          storeHash: STORE,
          token: SANDBOX_TOKEN,
        }),
        sqs,
        eventBridge,
        logger: createFakeLogger().logger,
      });

      // Assess
      expect(report.checks.map((check) => [check.name, check.result])).toEqual([
        ['token', 'ok'],
        ['schema', 'ok'],
        ['createEventSource', 'ok'],
        ['aws', 'ok'],
        ['queue', 'ok'],
        ['queue policy', 'ok'],
        ['dead-letter queue', 'ok'],
        ['dead-letter queue policy', 'ok'],
        ['partner sources', 'ok'],
        ['status', 'ok'],
      ]);
      expect(report.ok).toBe(true);
      expect(report.checks.find((check) => check.name === 'aws')?.detail).toBe(
        'account 123456789012, region us-east-1',
      );
    } finally {
      sqs.destroy();
      eventBridge.destroy();
      await stack.stop();
    }
  }, 60_000);

  it.each([
    [
      { eventBridgeType: 'AmazonEventBridgeWebhook' },
      /type AmazonEventBridgeWebhook, not EventBridgeWebhook/,
    ],
    [
      { noUpdateMutation: true },
      /no updateEventBridgeWebhook mutation: an inactive webhook is deleted and created again/,
    ],
  ])(
    'passes and names the adaptation against a schema that differs only where it can adapt (%o)',
    async (variant, adaptation) => {
      // Act
      const report = await doctorAgainst(variant);

      // Assess
      expect(report.ok).toBe(true);
      expect(report.checks.find((check) => check.name === 'schema')?.detail).toMatch(adaptation);
    },
  );

  it('fails naming the missing name against a schema without createEventBridgeWebhook', async () => {
    // Act
    const report = await doctorAgainst({ withoutMutations: ['createEventBridgeWebhook'] });

    // Assess
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((check) => check.result === 'fail');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatch(
      /^createEventBridgeWebhook: Cannot query field "createEventBridgeWebhook" on type "WebhookMutations"\./,
    );
  });

  it('tells a store without the EventBridge beta to use the HTTPS transport', async () => {
    // Act
    const report = await doctorAgainst({ withoutMutations: ['createEventSource'] });

    // Assess
    expect(report.ok).toBe(false);
    expect(report.checks.filter((check) => check.result === 'fail').at(-1)).toEqual({
      name: 'createEventSource',
      result: 'fail',
      detail: expect.stringContaining('provision it with "transport": "https" instead'),
    });
  });

  it('passes an HTTPS store that has no createEventSource, checking createHttpsWebhook instead', async () => {
    // Act
    const report = await doctorAgainst({ withoutMutations: ['createEventSource'] }, SANDBOX_TOKEN, {
      transport: 'https',
    });

    // Assess
    expect(report.ok).toBe(true);
    expect(report.checks.map((check) => check.name)).toEqual(['token', 'schema', 'createHttpsWebhook']);
    expect(report.checks.find((check) => check.name === 'schema')?.detail).toMatch(
      /^every document https provisioning sends validates/,
    );
  });

  it('fails an HTTPS store whose schema lacks createHttpsWebhook, naming it', async () => {
    // Act
    const report = await doctorAgainst({ withoutMutations: ['createHttpsWebhook'] }, SANDBOX_TOKEN, {
      transport: 'https',
    });

    // Assess
    expect(report.ok).toBe(false);
    expect(report.checks.filter((check) => check.result === 'fail').map((check) => check.name)).toEqual([
      'schema',
      'createHttpsWebhook',
    ]);
  });

  it('fails on a token BigCommerce refuses, and says so', async () => {
    // Act
    const report = await doctorAgainst({}, 'not-the-token');

    // Assess
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([expect.objectContaining({ name: 'token', result: 'fail' })]);
  });

  it('exits 0 when nothing blocks and 1 naming what does', async () => {
    // Prepare
    const good = await startSandbox({
      accounts: [{ storeHash: STORE, token: SANDBOX_TOKEN, clientId: 'c' }],
    });
    const bad = await startSandbox({
      accounts: [{ storeHash: STORE, token: SANDBOX_TOKEN, clientId: 'c' }],
      variant: { withoutMutations: ['deleteWebhook'] },
    });
    try {
      // Act
      const passing = await runCli(['--store', STORE, '--bigcommerce-only'], {
        BIGCOMMERCE_API_URL: good.url,
        BIGCOMMERCE_ACCESS_TOKEN: SANDBOX_TOKEN,
      });
      const failing = await runCli(['--store', STORE, '--bigcommerce-only'], {
        BIGCOMMERCE_API_URL: bad.url,
        BIGCOMMERCE_ACCESS_TOKEN: SANDBOX_TOKEN,
      });
      const misspelt = await runCli(['--store', STORE, '--transport', 'http'], {
        BIGCOMMERCE_API_URL: good.url,
        BIGCOMMERCE_ACCESS_TOKEN: SANDBOX_TOKEN,
      });

      // Assess
      expect(passing.code).toBe(0);
      expect(passing.output).toContain('nothing blocks a provision');
      expect(failing.code).toBe(1);
      expect(failing.output).toContain(
        'deleteWebhook: Cannot query field "deleteWebhook" on type "WebhookMutations".',
      );
      expect(misspelt.code).toBe(2);
      expect(misspelt.output).toContain('--transport must be eventbridge or https, not http');
    } finally {
      await good.close();
      await bad.close();
    }
  }, 60_000);
});
