import {
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumeHandler } from '../../functions/consume/lambda.js';
import { createProvisionApi } from '../../functions/provision/api.js';
import { createProvisionApiDeps } from '../../functions/provision/deps.js';
import { loadServerlessQueuePolicy } from '../../local/serverless-queue-policy.js';
import { SANDBOX_STORE, type Stack, startStack } from '../../local/stack.js';
import { ACCOUNT_ID, REGION, STAGE } from '../../local/stack-config.js';
import { loadProvisionConfig } from '../../shared/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { keyed, logger } from '../../shared/logger.js';
import { fakeContext } from '../helpers/context.js';
import { loadEvent } from '../helpers/load-event.js';
import { until } from '../helpers/until.js';

/** serverless.yml's queue policy, as the offline stack gives it to both queues. */
const SERVERLESS_POLICY = loadServerlessQueuePolicy({
  partition: 'aws',
  region: REGION,
  account: ACCOUNT_ID,
  stage: STAGE,
}).policy;

/** serverless.yml's policy admitting only `.test` partner buses: the sandbox store's bus is not one. */
const TEST_BUSES_ONLY = (() => {
  const document = JSON.parse(SERVERLESS_POLICY);
  const condition = document.Statement[0].Condition.ArnLike;
  condition['aws:SourceArn'] = condition['aws:SourceArn'].filter((arn: string) =>
    arn.includes('/aws.partner/bigcommerce.com.test/'),
  );
  return JSON.stringify(document);
})();

/**
 * The chain on 127.0.0.1 (provision API and consume handler in this process; the EventBridge emulator,
 * local-aws-sqs, dynalite and the sandbox over HTTP) with the queue policy enforced as AWS enforces it:
 * the emulator reads each queue's Policy before it sends to it.
 */
describe('Offline stack: the queue policy decides what EventBridge may deliver', () => {
  let stack: Stack;
  const handled: string[] = [];
  let provisionApi: ReturnType<typeof createProvisionApi>;
  let urls: { queue: string; dlq: string };

  const provision = async () => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    const response = await provisionApi(
      { ...event, body: JSON.stringify({ storeHash: SANDBOX_STORE.storeHash }) },
      fakeContext('bigcommerce-webhooks-dev-provision'),
    );
    expect(response.statusCode).toBe(200);
  };
  const setPolicies = async (policies: { queue: string; dlq: string }) => {
    for (const which of ['queue', 'dlq'] as const)
      await stack.sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: urls[which], Attributes: { Policy: policies[which] } }),
      );
  };
  /** Fires one category event and waits until the emulator has finished every delivery of it. */
  const fire = async () => {
    // EventBridge applies new rules and targets after a short while: fire once they are in effect.
    await stack.eventBridge.settled();
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({
        storeHash: SANDBOX_STORE.storeHash,
        scope: 'store/category/updated',
        data: { type: 'category', id: 42 },
      }),
    });
    const { delivered } = (await response.json()) as { delivered: { eventId: string }[] };
    expect(delivered).toHaveLength(1);
    await stack.eventBridge.idle();
    return delivered[0]?.eventId ?? '';
  };
  const journalOf = (eventId: string) =>
    stack.eventBridge.inspect.deliveries().filter((record) => record.eventId === eventId);
  /** The DLQ's messages for `eventId`, left visible. */
  const deadLettersOf = async (eventId: string): Promise<Message[]> => {
    const { Messages = [] } = await stack.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: urls.dlq,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages.filter((message) => JSON.parse(message.Body ?? '{}').id === eventId);
  };

  beforeAll(async () => {
    let consume: ReturnType<typeof createConsumeHandler> | undefined;
    stack = await startStack({
      ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0 },
      consume: (event) => {
        if (!consume) throw new Error('consumer not ready');
        return consume(event, fakeContext());
      },
    });
    Object.assign(process.env, stack.env, {
      WEBHOOK_QUEUE_NAME: stack.queues.queueName,
      WEBHOOK_DLQ_NAME: stack.queues.dlqName,
      EVENT_SOURCE_WAIT_MS: '5000',
    });
    consume = createConsumeHandler({
      handlers: {
        'store/category/updated': (_, context) => {
          handled.push(context.eventBridge.id);
        },
      },
      dedupe: createIdempotentDedupe({
        dynamo: stack.dynamo.http,
        tableName: stack.env.DEDUPE_TABLE_NAME ?? '',
        windowSeconds: 3600,
      }),
    });
    provisionApi = createProvisionApi(
      createProvisionApiDeps(
        loadProvisionConfig(),
        { 'store/category/updated': () => undefined },
        keyed(logger),
      ),
    );
    const urlOf = async (QueueName: string) =>
      (await stack.sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? '';
    urls = { queue: await urlOf(stack.queues.queueName), dlq: await urlOf(stack.queues.dlqName) };
  }, 60_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("delivers a fired event to its handler under serverless.yml's policy", async () => {
    // Prepare
    await setPolicies({ queue: SERVERLESS_POLICY, dlq: SERVERLESS_POLICY });
    await provision();

    // Act
    const eventId = await fire();

    // Assess
    expect(journalOf(eventId)).toEqual([expect.objectContaining({ outcome: 'delivered', attempts: 1 })]);
    await until(() => handled.includes(eventId));
  });

  it("sends the event to the target's DLQ as NO_PERMISSIONS when the queue policy leaves out the store's bus", async () => {
    // Prepare
    await setPolicies({ queue: TEST_BUSES_ONLY, dlq: SERVERLESS_POLICY });
    await provision();

    // Act
    const eventId = await fire();

    // Assess
    const [deadLetter] = await deadLettersOf(eventId);
    expect(deadLetter?.MessageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'NO_PERMISSIONS' },
      RETRY_ATTEMPTS: { StringValue: '0' },
      TARGET_ARN: { StringValue: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${stack.queues.queueName}` },
      RULE_ARN: { StringValue: expect.stringMatching(/:rule\/aws\.partner\/bigcommerce\.com\//) },
    });
    expect(journalOf(eventId)).toEqual([
      expect.objectContaining({ outcome: 'dead-lettered', attempts: 1, errorCode: 'NO_PERMISSIONS' }),
    ]);
    expect(handled).not.toContain(eventId);
  });

  it('drops and journals the event when neither the queue nor the DLQ admits the rule', async () => {
    // Prepare
    await setPolicies({ queue: TEST_BUSES_ONLY, dlq: TEST_BUSES_ONLY });
    await provision();

    // Act
    const eventId = await fire();

    // Assess
    expect(journalOf(eventId)).toEqual([
      expect.objectContaining({
        outcome: 'dropped',
        errorCode: 'NO_PERMISSIONS',
        deadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${stack.queues.dlqName}`,
      }),
    ]);
    expect(await deadLettersOf(eventId)).toEqual([]);
    expect(handled).not.toContain(eventId);
  });
});
