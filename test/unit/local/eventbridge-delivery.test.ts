import {
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  PutEventsCommand,
  PutPartnerEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type EventBridgeStack,
  eventBridgeQueuePolicy,
  startEventBridgeStack,
} from '../../helpers/eventbridge-stack.js';

const ACCOUNT = '123456789012';
const SOURCE = `aws.partner/bigcommerce.com/${ACCOUNT}/store-abc`;
const PATTERN = '{"detail-type":["bigCommerceWebhook"],"detail":{"scope":[{"prefix":"store/category/"}]}}';
const payload = {
  scope: 'store/category/updated',
  store_id: '1025646',
  data: { type: 'category', id: 42 },
  hash: '3f9ea420af83450d7ef9f78b08c8af25b2213637',
  created_at: 1561482670,
  producer: 'stores/k7q2m9x4p1',
};

describe('EventBridge emulator: delivery to SQS', () => {
  let stack: EventBridgeStack;
  let run = 0;
  let queue: { url: string; arn: string };
  let dlq: { url: string; arn: string };

  beforeAll(async () => {
    stack = await startEventBridgeStack({ retryBaseDelayMs: 5, retryMaxDelayMs: 20 });
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(async () => {
    stack.emulator.reset();
    run += 1;
    queue = await stack.createQueue(`work-${run}`);
    dlq = await stack.createQueue(`work-dlq-${run}`);
    await stack.eventBridge.send(new CreatePartnerEventSourceCommand({ Name: SOURCE, Account: ACCOUNT }));
  });

  const activate = () =>
    stack.eventBridge.send(new CreateEventBusCommand({ Name: SOURCE, EventSourceName: SOURCE }));
  const subscribe = async (target: Partial<Target> = {}) => {
    await stack.eventBridge.send(
      new PutRuleCommand({ Name: 'bc', EventBusName: SOURCE, EventPattern: PATTERN }),
    );
    await stack.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'bc',
        EventBusName: SOURCE,
        Targets: [{ Id: 'queue', Arn: queue.arn, ...target }],
      }),
    );
  };
  const fire = async (detail: object = payload) => {
    const result = await stack.eventBridge.send(
      new PutPartnerEventsCommand({
        Entries: [{ Source: SOURCE, DetailType: 'bigCommerceWebhook', Detail: JSON.stringify(detail) }],
      }),
    );
    await stack.emulator.idle();
    return result;
  };

  it('delivers a matching partner event to the queue as the standard envelope', async () => {
    // Prepare
    await activate();
    await subscribe();

    // Act
    const { FailedEntryCount, Entries } = await fire();
    const messages = await stack.receive(queue.url);

    // Assess
    expect(FailedEntryCount).toBe(0);
    expect(messages).toHaveLength(1);
    const event = JSON.parse(messages[0]?.Body ?? '{}');
    expect(Object.keys(event).sort()).toEqual(
      ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version'].sort(),
    );
    expect(event).toMatchObject({
      version: '0',
      id: Entries?.[0]?.EventId,
      'detail-type': 'bigCommerceWebhook',
      source: SOURCE,
      account: ACCOUNT,
      region: 'us-east-1',
      resources: [],
      detail: payload,
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  it('does not deliver an event the rule does not match', async () => {
    // Prepare
    await activate();
    await subscribe();

    // Act
    const { FailedEntryCount } = await fire({ ...payload, scope: 'store/order/created' });
    const messages = await stack.receive(queue.url);

    // Assess
    expect(FailedEntryCount).toBe(0);
    expect(messages).toEqual([]);
    expect(stack.emulator.inspect.events().map((record) => record.matchedRules)).toEqual([[]]);
  });

  it('accepts and drops events for a PENDING source, as AWS does', async () => {
    // Prepare: the source has no bus

    // Act
    const { FailedEntryCount, Entries } = await fire();
    const messages = await stack.receive(queue.url);

    // Assess
    expect(FailedEntryCount).toBe(0);
    expect(Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(messages).toEqual([]);
    expect(stack.emulator.inspect.events()).toEqual([expect.objectContaining({ dropped: 'source-pending' })]);
  });

  it('delivers nothing after teardown (targets, rule and bus deleted)', async () => {
    // Prepare
    await activate();
    await subscribe();
    await stack.eventBridge.send(
      new RemoveTargetsCommand({ Rule: 'bc', EventBusName: SOURCE, Ids: ['queue'] }),
    );
    await stack.eventBridge.send(new DeleteRuleCommand({ Name: 'bc', EventBusName: SOURCE }));
    await stack.eventBridge.send(new DeleteEventBusCommand({ Name: SOURCE }));

    // Act
    await fire();
    const messages = await stack.receive(queue.url);

    // Assess
    expect(messages).toEqual([]);
    expect(stack.emulator.inspect.deliveries()).toEqual([]);
  });

  it('sends to the dead-letter queue at once when the target queue does not exist', async () => {
    // Prepare
    await activate();
    await subscribe({
      Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:missing-${run}`,
      DeadLetterConfig: { Arn: dlq.arn },
    });

    // Act
    await fire();
    const deadLetters = await stack.receive(dlq.url);

    // Assess
    expect(deadLetters).toHaveLength(1);
    expect(JSON.parse(deadLetters[0]?.Body ?? '{}')).toMatchObject({ source: SOURCE, detail: payload });
    expect(deadLetters[0]?.MessageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'NO_RESOURCE' },
      RETRY_ATTEMPTS: { StringValue: '0' },
      TARGET_ARN: { StringValue: `arn:aws:sqs:us-east-1:${ACCOUNT}:missing-${run}` },
      RULE_ARN: { StringValue: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${SOURCE}/bc` },
    });
    expect(stack.emulator.inspect.deliveries()).toEqual([
      expect.objectContaining({ outcome: 'dead-lettered', attempts: 1, deadLetterArn: dlq.arn }),
    ]);
  });

  it.each([
    ['another account', `arn:aws:sqs:us-east-1:999999999999:QUEUE`],
    ['another region', `arn:aws:sqs:eu-west-1:${ACCOUNT}:QUEUE`],
    ['another partition', `arn:aws-cn:sqs:us-east-1:${ACCOUNT}:QUEUE`],
  ])(
    'does not deliver to a queue of the same name in %s: NO_RESOURCE, to the dead-letter queue at once',
    async (_, pattern) => {
      // Prepare: the queue exists here, but the target names it by an ARN elsewhere
      await activate();
      const arn = pattern.replace('QUEUE', queue.arn.split(':').at(-1) ?? '');
      await subscribe({ Arn: arn, DeadLetterConfig: { Arn: dlq.arn } });

      // Act
      await fire();
      const delivered = await stack.receive(queue.url);
      const deadLetters = await stack.receive(dlq.url);

      // Assess
      expect(delivered).toEqual([]);
      expect(deadLetters[0]?.MessageAttributes).toMatchObject({
        ERROR_CODE: { StringValue: 'NO_RESOURCE' },
        TARGET_ARN: { StringValue: arn },
      });
      expect(stack.emulator.inspect.deliveries()).toEqual([
        expect.objectContaining({ outcome: 'dead-lettered', errorCode: 'NO_RESOURCE', attempts: 1 }),
      ]);
    },
  );

  it('retries a failing delivery MaximumRetryAttempts times, then dead-letters it', async () => {
    // Prepare
    await activate();
    await subscribe({ DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 2 } });
    stack.emulator.faults.injectDelivery({ targetArn: queue.arn, times: 10 });

    // Act
    await fire();
    const [delivered, deadLetters] = [await stack.receive(queue.url), await stack.receive(dlq.url)];

    // Assess
    expect(delivered).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.MessageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'ThrottlingException' },
      EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' },
      RETRY_ATTEMPTS: { StringValue: '2' },
    });
    expect(stack.emulator.inspect.deliveries()).toEqual([
      expect.objectContaining({ outcome: 'dead-lettered', attempts: 3 }),
    ]);
  });

  it('dead-letters an event at once, intact and with the error, when its delivery fails with an error not retried', async () => {
    // Prepare: retries allowed, but the fault (as a KMS key EventBridge may not use) is not retryable
    await activate();
    await subscribe({ DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 5 } });
    stack.emulator.faults.injectDelivery({
      targetArn: queue.arn,
      error: 'KmsAccessDenied',
      message: 'not allowed to use the queue key',
      retryable: false,
    });

    // Act
    await fire();
    const [delivered, deadLetters] = [await stack.receive(queue.url), await stack.receive(dlq.url)];

    // Assess
    expect(delivered).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    const event = JSON.parse(deadLetters[0]?.Body ?? '{}') as { id?: string; detail?: unknown };
    expect(event).toMatchObject({ source: SOURCE, 'detail-type': 'bigCommerceWebhook', detail: payload });
    expect(deadLetters[0]?.MessageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'KmsAccessDenied' },
      ERROR_MESSAGE: { StringValue: 'not allowed to use the queue key' },
      RETRY_ATTEMPTS: { StringValue: '0' },
      RULE_ARN: { StringValue: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${SOURCE}/bc` },
      TARGET_ARN: { StringValue: queue.arn },
    });
    expect(deadLetters[0]?.MessageAttributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
    expect(stack.emulator.inspect.deliveries()).toEqual([
      expect.objectContaining({ eventId: event.id, outcome: 'dead-lettered', attempts: 1 }),
    ]);
  });

  it('delivers on a retry when the failures stop in time', async () => {
    // Prepare
    await activate();
    await subscribe({ DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 3 } });
    stack.emulator.faults.injectDelivery({ targetArn: queue.arn, times: 2 });

    // Act
    await fire();
    const [delivered, deadLetters] = [await stack.receive(queue.url), await stack.receive(dlq.url)];

    // Assess
    expect(delivered).toHaveLength(1);
    expect(deadLetters).toEqual([]);
    expect(stack.emulator.inspect.deliveries()).toEqual([
      expect.objectContaining({ outcome: 'delivered', attempts: 3 }),
    ]);
  });

  it('records a lost event when delivery fails and the target has no dead-letter queue', async () => {
    // Prepare
    await activate();
    await subscribe({ RetryPolicy: { MaximumRetryAttempts: 0 } });
    stack.emulator.faults.injectDelivery({ times: 1, error: 'InternalError' });

    // Act
    await fire();

    // Assess
    expect(await stack.receive(queue.url)).toEqual([]);
    expect(stack.emulator.inspect.deliveries()).toEqual([
      expect.objectContaining({ outcome: 'failed', attempts: 1, errorCode: 'InternalError' }),
    ]);
  });

  it('reports malformed entries and unknown sources per entry, delivering the valid ones', async () => {
    // Prepare
    await activate();
    await subscribe();

    // Act
    const result = await stack.eventBridge.send(
      new PutPartnerEventsCommand({
        Entries: [
          { Source: SOURCE, DetailType: 'bigCommerceWebhook', Detail: '{not json' },
          {
            Source: `aws.partner/bigcommerce.com/${ACCOUNT}/unknown`,
            DetailType: 'bigCommerceWebhook',
            Detail: '{}',
          },
          { Source: SOURCE, DetailType: 'bigCommerceWebhook', Detail: JSON.stringify(payload) },
        ],
      }),
    );
    await stack.emulator.idle();

    // Assess
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((entry) => entry.ErrorCode ?? 'ok')).toEqual([
      'MalformedDetail',
      'NotAuthorizedForSourceException',
      'ok',
    ]);
    expect(await stack.receive(queue.url)).toHaveLength(1);
  });

  it('delivers PutEvents to a custom bus, using the target Input as the body, and skips disabled rules', async () => {
    // Prepare
    await stack.eventBridge.send(new CreateEventBusCommand({ Name: 'orders' }));
    const pattern = '{"source":["my.app"]}';
    await stack.eventBridge.send(
      new PutRuleCommand({ Name: 'on', EventBusName: 'orders', EventPattern: pattern }),
    );
    await stack.eventBridge.send(
      new PutRuleCommand({ Name: 'off', EventBusName: 'orders', EventPattern: pattern, State: 'DISABLED' }),
    );
    for (const rule of ['on', 'off']) {
      await stack.eventBridge.send(
        new PutTargetsCommand({
          Rule: rule,
          EventBusName: 'orders',
          Targets: [{ Id: 'queue', Arn: queue.arn, Input: JSON.stringify({ rule }) }],
        }),
      );
    }

    // Act
    const result = await stack.eventBridge.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'orders', Source: 'my.app', DetailType: 'order', Detail: '{"id":1}' }],
      }),
    );
    await stack.emulator.idle();
    const messages = await stack.receive(queue.url);

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(messages.map((message) => JSON.parse(message.Body ?? '{}'))).toEqual([{ rule: 'on' }]);
  });
  describe('the queue policy', () => {
    const otherBusRules = `arn:aws:events:us-east-1:${ACCOUNT}:rule/orders/*`;

    it('sends a delivery the target queue refuses to the dead-letter queue at once, as NO_PERMISSIONS', async () => {
      // Prepare
      await activate();
      await subscribe({ DeadLetterConfig: { Arn: dlq.arn } });
      await stack.setPolicy(queue.url, eventBridgeQueuePolicy(queue.arn, otherBusRules));

      // Act
      await fire();
      const [delivered, deadLetters] = [await stack.receive(queue.url), await stack.receive(dlq.url)];

      // Assess
      expect(delivered).toEqual([]);
      expect(deadLetters).toHaveLength(1);
      expect(JSON.parse(deadLetters[0]?.Body ?? '{}')).toMatchObject({ source: SOURCE, detail: payload });
      expect(deadLetters[0]?.MessageAttributes).toMatchObject({
        ERROR_CODE: { StringValue: 'NO_PERMISSIONS' },
        ERROR_MESSAGE: { StringValue: expect.stringContaining(queue.arn) },
        RETRY_ATTEMPTS: { StringValue: '0' },
        RULE_ARN: { StringValue: `arn:aws:events:us-east-1:${ACCOUNT}:rule/${SOURCE}/bc` },
        TARGET_ARN: { StringValue: queue.arn },
      });
      expect(deadLetters[0]?.MessageAttributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
      expect(stack.emulator.inspect.deliveries()).toEqual([
        expect.objectContaining({ outcome: 'dead-lettered', attempts: 1, errorCode: 'NO_PERMISSIONS' }),
      ]);
    });

    it('drops and journals an event that neither the queue nor its dead-letter queue admits', async () => {
      // Prepare
      await activate();
      await subscribe({ DeadLetterConfig: { Arn: dlq.arn } });
      await stack.setPolicy(queue.url, eventBridgeQueuePolicy(queue.arn, otherBusRules));
      await stack.setPolicy(dlq.url, '');

      // Act
      await fire();

      // Assess
      expect(await stack.receive(queue.url)).toEqual([]);
      expect(await stack.receive(dlq.url)).toEqual([]);
      expect(stack.emulator.inspect.deliveries()).toEqual([
        expect.objectContaining({
          outcome: 'dropped',
          attempts: 1,
          errorCode: 'NO_PERMISSIONS',
          deadLetterArn: dlq.arn,
          deadLetterError: expect.stringContaining('no policy'),
        }),
      ]);
    });

    it('drops an event the queue refuses when the target has no dead-letter queue', async () => {
      // Prepare
      await activate();
      await subscribe();
      await stack.setPolicy(queue.url, '');

      // Act
      await fire();

      // Assess
      expect(await stack.receive(queue.url)).toEqual([]);
      expect(stack.emulator.inspect.deliveries()).toEqual([
        expect.objectContaining({ outcome: 'dropped', attempts: 1, errorCode: 'NO_PERMISSIONS' }),
      ]);
    });

    it('drops an event whose retries ran out when the dead-letter queue refuses it', async () => {
      // Prepare
      await activate();
      await subscribe({ DeadLetterConfig: { Arn: dlq.arn }, RetryPolicy: { MaximumRetryAttempts: 1 } });
      await stack.setPolicy(dlq.url, eventBridgeQueuePolicy(dlq.arn, otherBusRules));
      stack.emulator.faults.injectDelivery({ targetArn: queue.arn, times: 10 });

      // Act
      await fire();

      // Assess
      expect(await stack.receive(dlq.url)).toEqual([]);
      expect(stack.emulator.inspect.deliveries()).toEqual([
        expect.objectContaining({ outcome: 'dropped', attempts: 2, errorCode: 'ThrottlingException' }),
      ]);
    });

    it('applies a policy change to the next delivery', async () => {
      // Prepare
      await activate();
      await subscribe();
      await fire();
      await stack.setPolicy(queue.url, eventBridgeQueuePolicy(queue.arn, otherBusRules));

      // Act
      await fire();
      await stack.setPolicy(queue.url, eventBridgeQueuePolicy(queue.arn));
      await fire();

      // Assess
      expect(stack.emulator.inspect.deliveries().map((record) => record.outcome)).toEqual([
        'delivered',
        'dropped',
        'delivered',
      ]);
      expect(await stack.receive(queue.url)).toHaveLength(2);
    });
  });
});
