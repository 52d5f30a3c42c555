import {
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  InvalidEventPatternException,
  LimitExceededException,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventBridgeStack, startEventBridgeStack } from '../../helpers/eventbridge-stack.js';

const BUS = 'aws.partner/bigcommerce.com/123456789012/store-abc';
const BUS_ARN = `arn:aws:events:us-east-1:123456789012:event-bus/${BUS}`;
const PATTERN = '{"detail-type":["bigCommerceWebhook"]}';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:work';
const DLQ_ARN = 'arn:aws:sqs:us-east-1:123456789012:work-dlq';

describe('EventBridge emulator: rules and targets', () => {
  let stack: EventBridgeStack;
  beforeAll(async () => {
    stack = await startEventBridgeStack();
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(async () => {
    stack.emulator.reset();
    await stack.eventBridge.send(new CreatePartnerEventSourceCommand({ Name: BUS, Account: '123456789012' }));
    await stack.eventBridge.send(new CreateEventBusCommand({ Name: BUS, EventSourceName: BUS }));
  });

  const putRule = (input: Partial<ConstructorParameters<typeof PutRuleCommand>[0]> = {}) =>
    stack.eventBridge.send(
      new PutRuleCommand({ Name: 'bc-events', EventBusName: BUS, EventPattern: PATTERN, ...input }),
    );

  it('returns a rule ARN that embeds the bus name, and accepts the bus by ARN', async () => {
    // Act
    const byName = await putRule();
    const byArn = await putRule({ EventBusName: BUS_ARN });

    // Assess
    expect(byName.RuleArn).toBe(`arn:aws:events:us-east-1:123456789012:rule/${BUS}/bc-events`);
    expect(byArn.RuleArn).toBe(byName.RuleArn);
  });

  it('returns a rule ARN without a bus segment on the default bus', async () => {
    // Act
    const { RuleArn } = await putRule({ EventBusName: undefined });

    // Assess
    expect(RuleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/bc-events');
  });

  it('upserts: a second PutRule replaces the pattern and resets omitted arguments but keeps the targets', async () => {
    // Prepare
    await putRule({ Description: 'first', State: 'DISABLED' });
    await stack.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'bc-events',
        EventBusName: BUS,
        Targets: [{ Id: 'queue', Arn: QUEUE_ARN }],
      }),
    );

    // Act
    await putRule({ EventPattern: '{"source":[{"prefix":"aws.partner/"}]}' });
    const rule = await stack.eventBridge.send(
      new DescribeRuleCommand({ Name: 'bc-events', EventBusName: BUS }),
    );
    const { Targets } = await stack.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: 'bc-events', EventBusName: BUS }),
    );

    // Assess
    expect(rule).toMatchObject({
      Name: 'bc-events',
      EventBusName: BUS,
      State: 'ENABLED',
      EventPattern: '{"source":[{"prefix":"aws.partner/"}]}',
    });
    expect(rule.Description).toBeUndefined();
    expect(Targets?.map((target) => target.Id)).toEqual(['queue']);
  });

  it('refuses an invalid pattern with InvalidEventPatternException and stores nothing', async () => {
    // Act
    const putting = putRule({ EventPattern: '{"detail-type":"bigCommerceWebhook"}' });

    // Assess
    await expect(putting).rejects.toBeInstanceOf(InvalidEventPatternException);
    expect(stack.emulator.inspect.rules(BUS)).toEqual([]);
  });

  it('answers ResourceNotFoundException for a rule on a missing bus or a missing rule', async () => {
    // Act
    // Each settled before any is asserted, so the one refused first is never an unhandled rejection.
    const [onMissingBus, missingRule, targetsOfMissingRule] = await Promise.allSettled([
      putRule({ EventBusName: 'no-such-bus' }),
      stack.eventBridge.send(new DescribeRuleCommand({ Name: 'nope', EventBusName: BUS })),
      stack.eventBridge.send(
        new PutTargetsCommand({ Rule: 'nope', EventBusName: BUS, Targets: [{ Id: 'q', Arn: QUEUE_ARN }] }),
      ),
    ]);

    // Assess
    const reasonOf = (settled: PromiseSettledResult<unknown>) =>
      settled.status === 'rejected' ? settled.reason : new Error('it was not refused');
    expect(reasonOf(onMissingBus)).toBeInstanceOf(ResourceNotFoundException);
    expect(String(reasonOf(missingRule))).toContain('Rule nope does not exist on EventBus');
    expect(reasonOf(targetsOfMissingRule)).toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists rules of a bus by NamePrefix', async () => {
    // Prepare
    await putRule({ Name: 'bc-a' });
    await putRule({ Name: 'bc-b' });
    await putRule({ Name: 'other' });

    // Act
    const { Rules } = await stack.eventBridge.send(
      new ListRulesCommand({ EventBusName: BUS, NamePrefix: 'bc-' }),
    );

    // Assess
    expect(Rules?.map((rule) => rule.Name)).toEqual(['bc-a', 'bc-b']);
  });

  it('keeps DeadLetterConfig and RetryPolicy, and upserts targets by Id', async () => {
    // Prepare
    await putRule();
    const target = {
      Id: 'queue',
      Arn: QUEUE_ARN,
      DeadLetterConfig: { Arn: DLQ_ARN },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 },
    };

    // Act
    const first = await stack.eventBridge.send(
      new PutTargetsCommand({ Rule: 'bc-events', EventBusName: BUS, Targets: [target] }),
    );
    await stack.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'bc-events',
        EventBusName: BUS,
        Targets: [{ ...target, RetryPolicy: { MaximumRetryAttempts: 1 } }],
      }),
    );
    const { Targets } = await stack.eventBridge.send(
      new ListTargetsByRuleCommand({ Rule: 'bc-events', EventBusName: BUS }),
    );

    // Assess
    expect(first).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    expect(Targets).toEqual([
      {
        Id: 'queue',
        Arn: QUEUE_ARN,
        DeadLetterConfig: { Arn: DLQ_ARN },
        RetryPolicy: { MaximumRetryAttempts: 1 },
      },
    ]);
  });

  it('reports a bad target in FailedEntries without failing the others', async () => {
    // Prepare
    await putRule();

    // Act
    const result = await stack.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'bc-events',
        EventBusName: BUS,
        Targets: [
          { Id: 'good', Arn: QUEUE_ARN },
          {
            Id: 'bad',
            Arn: QUEUE_ARN,
            DeadLetterConfig: { Arn: 'arn:aws:sns:us-east-1:123456789012:topic' },
          },
        ],
      }),
    );

    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.FailedEntries).toEqual([
      expect.objectContaining({ TargetId: 'bad', ErrorCode: 'ValidationException' }),
    ]);
    expect(stack.emulator.inspect.targets('bc-events', BUS).map((target) => target.Id)).toEqual(['good']);
  });

  it('refuses a sixth target with LimitExceededException', async () => {
    // Prepare
    await putRule();
    const targets = ['1', '2', '3', '4', '5', '6'].map((id) => ({ Id: id, Arn: `${QUEUE_ARN}-${id}` }));

    // Act
    const putting = stack.eventBridge.send(
      new PutTargetsCommand({ Rule: 'bc-events', EventBusName: BUS, Targets: targets }),
    );

    // Assess
    await expect(putting).rejects.toBeInstanceOf(LimitExceededException);
  });

  it('refuses to delete a rule that has targets, then deletes it once they are removed', async () => {
    // Prepare
    await putRule();
    await stack.eventBridge.send(
      new PutTargetsCommand({
        Rule: 'bc-events',
        EventBusName: BUS,
        Targets: [{ Id: 'queue', Arn: QUEUE_ARN }],
      }),
    );

    // Act
    const refusal = await stack.eventBridge
      .send(new DeleteRuleCommand({ Name: 'bc-events', EventBusName: BUS }))
      .catch((error: unknown) => error);
    const removed = await stack.eventBridge.send(
      new RemoveTargetsCommand({ Rule: 'bc-events', EventBusName: BUS, Ids: ['queue'] }),
    );
    await stack.eventBridge.send(new DeleteRuleCommand({ Name: 'bc-events', EventBusName: BUS }));

    // Assess
    expect(refusal).toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });
    expect(removed.FailedEntryCount).toBe(0);
    expect(stack.emulator.inspect.rules(BUS)).toEqual([]);
  });

  it('refuses to delete a bus that still has rules', async () => {
    // Prepare
    await putRule();

    // Act
    const deleting = stack.eventBridge.send(new DeleteEventBusCommand({ Name: BUS }));

    // Assess
    await expect(deleting).rejects.toThrow("EventBus can't be deleted since it has rules.");
    expect(stack.emulator.inspect.buses().map((bus) => bus.name)).toContain(BUS);
  });
});
