import {
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerlessQueuePolicy } from '../../local/serverless-queue-policy.js';
import { SANDBOX_STORE, type Stack } from '../../local/stack.js';
import { ACCOUNT_ID, REGION, STAGE } from '../../local/stack-config.js';
import { startOfflineChain } from '../helpers/offline-chain.js';
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
  let chain: Awaited<ReturnType<typeof startOfflineChain>>;
  let urls: { queue: string; dlq: string };

  const provision = async () => {
    const response = await chain.request('POST', '/provision', { storeHash: SANDBOX_STORE.storeHash });
    expect(response.status).toBe(200);
  };
  const setPolicies = async (policies: { queue: string; dlq: string }) => {
    for (const which of ['queue', 'dlq'] as const)
      await stack.sqs.send(
        new SetQueueAttributesCommand({ QueueUrl: urls[which], Attributes: { Policy: policies[which] } }),
      );
  };
  /** Fires one category event and waits until the emulator has finished every delivery of it. */
  const fire = async () => {
    const { delivered } = await chain.fire({
      scope: 'store/category/updated',
      data: { type: 'category', id: 42 },
    });
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
    chain = await startOfflineChain({
      handlers: {
        'store/category/updated': (_, context) => {
          handled.push(context.eventBridge?.id ?? context.transport);
        },
      },
    });
    stack = chain.stack;
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
