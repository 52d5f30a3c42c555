import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../shared/errors.js';
import { desiredTarget, reconcileTarget, removeTarget } from '../../../shared/provisioning/target.js';
import { DLQ_ARN, QUEUE_ARN } from '../../helpers/provision-harness.js';

const BUS = 'aws.partner/bigcommerce.com/test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1';
const rule = { name: 'to-queue', eventBusName: BUS };
const input = {
  rule,
  ruleExists: true,
  targetId: 'webhook-queue',
  queueArn: QUEUE_ARN,
  deadLetterQueueArn: DLQ_ARN,
  dryRun: false,
};
const wanted = desiredTarget(input);

describe('Step: target', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const client = new EventBridgeClient({});

  beforeEach(() => eventBridge.reset());

  it('makes no PutTargets call when the target is identical', async () => {
    // Prepare
    eventBridge.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'other', Arn: 'arn:x' }, wanted] });

    // Act
    const entry = await reconcileTarget(input, client);

    // Assess
    expect(entry).toEqual({
      resource: 'target',
      action: 'unchanged',
      id: 'webhook-queue',
      rule: 'to-queue',
      arn: QUEUE_ARN,
      deadLetterArn: DLQ_ARN,
    });
    expect(eventBridge).not.toHaveReceivedCommand(PutTargetsCommand);
  });

  it('creates the queue target with the DLQ and a retry policy, and no role', async () => {
    // Prepare
    eventBridge.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });

    // Act
    const entry = await reconcileTarget(input, client);

    // Assess
    expect(entry.action).toBe('created');
    expect(eventBridge).toHaveReceivedCommandWith(PutTargetsCommand, {
      Rule: 'to-queue',
      EventBusName: BUS,
      Targets: [
        {
          Id: 'webhook-queue',
          Arn: QUEUE_ARN,
          DeadLetterConfig: { Arn: DLQ_ARN },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        },
      ],
    });
  });

  it.each([
    ['another queue', { Arn: 'arn:aws:sqs:us-east-1:123456789012:elsewhere' }],
    ['no dead-letter queue', { DeadLetterConfig: undefined }],
    ['an input transformer', { InputPath: '$.detail' }],
  ])('updates a target pointing at %s', async (_, drift) => {
    // Prepare
    eventBridge.on(ListTargetsByRuleCommand).resolves({ Targets: [{ ...wanted, ...drift }] });
    eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });

    // Act
    const planned = await reconcileTarget({ ...input, dryRun: true }, client);
    const applied = await reconcileTarget(input, client);

    // Assess
    expect([planned.action, applied.action]).toEqual(['would-update', 'updated']);
    expect(eventBridge).toHaveReceivedCommandTimes(PutTargetsCommand, 1);
  });

  it.each([
    ['ConcurrentModificationException', TransientError],
    ['ValidationException', PermanentError],
  ])('turns a FailedEntryCount with %s into an error', async (code, kind) => {
    // Prepare
    eventBridge.on(ListTargetsByRuleCommand).resolves({ Targets: [] });
    eventBridge.on(PutTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [{ TargetId: 'webhook-queue', ErrorCode: code, ErrorMessage: 'nope' }],
    });

    // Act
    const result = reconcileTarget(input, client);

    // Assess
    await expect(result).rejects.toThrow(kind);
    await expect(result).rejects.toThrow(new RegExp(code));
  });

  it('removes only its own target on teardown, and tolerates a rule that is gone', async () => {
    // Prepare
    eventBridge
      .on(ListTargetsByRuleCommand)
      .resolvesOnce({ Targets: [wanted, { Id: 'other', Arn: 'arn:x' }] })
      .rejects(new ResourceNotFoundException({ message: 'no rule', $metadata: {} }));
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });

    // Act
    const first = await removeTarget(input, client);
    const second = await removeTarget(input, client);

    // Assess
    expect([first.action, second.action]).toEqual(['deleted', 'unchanged']);
    expect(eventBridge).toHaveReceivedCommandWith(RemoveTargetsCommand, {
      Rule: 'to-queue',
      EventBusName: BUS,
      Ids: ['webhook-queue'],
    });
    expect(eventBridge).toHaveReceivedCommandTimes(RemoveTargetsCommand, 1);
  });
});
