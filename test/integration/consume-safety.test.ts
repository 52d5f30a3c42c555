import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumeHandler } from '../../functions/consume/lambda.js';
import { createProvisionApi } from '../../functions/provision/api.js';
import { createProvisionApiDeps } from '../../functions/provision/deps.js';
import type { BatchReport } from '../../local/event-source-mapping.js';
import type { FireRequest } from '../../local/sandbox/fire.js';
import { SANDBOX_STORE, type Stack, startStack } from '../../local/stack.js';
import { loadConsumeConfig, loadProvisionConfig } from '../../shared/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { keyed, logger } from '../../shared/logger.js';
import { fakeContext } from '../helpers/context.js';
import { createFakeLogger } from '../helpers/fake-logger.js';
import { loadEvent } from '../helpers/load-event.js';
import { until } from '../helpers/until.js';

/**
 * What a consumer must not get wrong about its records, over the whole offline chain: the sandbox fires
 * events as BigCommerce would, EventBridge and SQS carry them over HTTP, and the consume handler runs in
 * this process on the real dedupe table (dynalite, Powertools idempotency).
 */
describe('Offline stack: consume safety', () => {
  let stack: Stack;
  /** Category id -> what its handler throws on the first delivery (later deliveries succeed). */
  const throwsOnce = new Map<number, unknown>();
  const categoryRuns: number[] = [];
  const reports: BatchReport[] = [];
  const log = createFakeLogger();

  const fire = async (request: Omit<FireRequest, 'storeHash'>) => {
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: SANDBOX_STORE.storeHash, ...request }),
    });
    const fired = (await response.json()) as { delivered: { eventId: string }[] };
    expect(fired.delivered).toHaveLength(1);
    return fired.delivered[0]?.eventId ?? '';
  };
  const eventIdOf = (body: string): string => JSON.parse(body).id;
  /** EventBridge ids of the records a batch acknowledged (deleted from the queue). */
  const acknowledged = () =>
    new Set(
      reports.flatMap((report) =>
        report.records
          .filter((record) => !report.failed.includes(record.messageId))
          .map((record) => eventIdOf(record.body)),
      ),
    );
  const failedDeliveries = (eventId: string) =>
    reports.flatMap((report) =>
      report.records.filter(
        (record) => report.failed.includes(record.messageId) && eventIdOf(record.body) === eventId,
      ),
    ).length;
  const linesOf = (eventId: string) => log.lines.filter((line) => line.keys.eventBridgeId === eventId);

  beforeAll(async () => {
    let consume: ReturnType<typeof createConsumeHandler> | undefined;
    stack = await startStack({
      ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0 },
      visibilityTimeoutSeconds: 1,
      consume: (event) => {
        if (!consume) throw new Error('consumer not ready');
        return consume(event, fakeContext());
      },
      onBatch: (report) => reports.push(report),
    });
    Object.assign(process.env, stack.env, {
      WEBHOOK_QUEUE_NAME: stack.queues.queueName,
      WEBHOOK_DLQ_NAME: stack.queues.dlqName,
      EVENT_SOURCE_WAIT_MS: '5000',
    });
    const config = loadConsumeConfig();
    consume = createConsumeHandler({
      handlers: {
        'store/category/updated': (event) => {
          categoryRuns.push(event.data.id);
          if (throwsOnce.has(event.data.id)) {
            const thrown = throwsOnce.get(event.data.id);
            throwsOnce.delete(event.data.id);
            throw thrown;
          }
        },
      },
      dedupe: createIdempotentDedupe({
        dynamo: stack.dynamo.http,
        tableName: config.DEDUPE_TABLE_NAME,
        windowSeconds: config.DEDUPE_WINDOW_SECONDS,
      }),
      recordLogger: log.logger,
    });
    const scopes = ['store/category/updated'];
    const provisionApi = createProvisionApi(
      createProvisionApiDeps(
        loadProvisionConfig(),
        Object.fromEntries(scopes.map((scope) => [scope, () => undefined])),
        keyed(logger),
      ),
    );
    const template = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    const provisioned = await provisionApi(
      { ...template, body: JSON.stringify({ storeHash: SANDBOX_STORE.storeHash, scopes }) },
      fakeContext('bigcommerce-webhooks-dev-provision'),
    );
    if (provisioned.statusCode !== 200) throw new Error(`provision failed: ${provisioned.body}`);
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ['undefined', 101, undefined],
    ['an object', 102, { code: 'E_DOWNSTREAM' }],
    ['a string', 103, 'downstream down'],
  ])(
    'fails the record of a handler that throws %s with one line saying the handler failed, then runs its retry',
    async (_, id, thrown) => {
      // Prepare
      throwsOnce.set(id, thrown);

      // Act
      const eventId = await fire({ scope: 'store/category/updated', data: { type: 'category', id } });
      await until(() => acknowledged().has(eventId));

      // Assess
      expect(failedDeliveries(eventId)).toBe(1);
      expect(categoryRuns.filter((run) => run === id)).toHaveLength(2);
      expect(linesOf(eventId).map((line) => [line.level, line.message])).toEqual([
        ['error', 'handler failed; the record will be retried'],
      ]);
    },
  );
});
