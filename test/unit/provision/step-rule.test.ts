import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { RULE_DESCRIPTION, reconcileRule, removeRule } from '../../../shared/provisioning/rule.js';

const BUS = 'aws.partner/bigcommerce.com/test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1';
const RULE_ARN = `arn:aws:events:us-east-1:123456789012:rule/${BUS}/to-queue`;
const input = { name: 'to-queue', busName: BUS, busExists: true, dryRun: false };
const existing = {
  Arn: RULE_ARN,
  EventPattern: '{ "detail-type" : [ "bigCommerceWebhook" ] }',
  State: 'ENABLED' as const,
  Description: RULE_DESCRIPTION,
};

describe('Step: rule', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const client = new EventBridgeClient({});

  beforeEach(() => eventBridge.reset());

  it('makes no PutRule call when the rule is identical (pattern compared as JSON)', async () => {
    // Prepare
    eventBridge.on(DescribeRuleCommand).resolves(existing);

    // Act
    const entry = await reconcileRule(input, client);

    // Assess
    expect(entry).toEqual({
      resource: 'rule',
      action: 'unchanged',
      name: 'to-queue',
      eventBusName: BUS,
      arn: RULE_ARN,
    });
    expect(eventBridge).not.toHaveReceivedCommand(PutRuleCommand);
  });

  it('creates a missing rule on the partner bus, enabled, matching every BigCommerce event', async () => {
    // Prepare
    eventBridge
      .on(DescribeRuleCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }));
    eventBridge.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN });

    // Act
    const entry = await reconcileRule(input, client);

    // Assess
    expect(entry).toMatchObject({ action: 'created', arn: RULE_ARN });
    expect(eventBridge).toHaveReceivedCommandWith(PutRuleCommand, {
      Name: 'to-queue',
      EventBusName: BUS,
      EventPattern: '{"detail-type":["bigCommerceWebhook"]}',
      State: 'ENABLED',
      Description: RULE_DESCRIPTION,
    });
  });

  it.each([
    ['a disabled rule', { State: 'DISABLED' as const }],
    ['another pattern', { EventPattern: '{"source":["x"]}' }],
    ['another description', { Description: 'edited by hand' }],
  ])('updates %s, or only plans it in a dry run', async (_, drift) => {
    // Prepare
    eventBridge.on(DescribeRuleCommand).resolves({ ...existing, ...drift });
    eventBridge.on(PutRuleCommand).resolves({ RuleArn: RULE_ARN });

    // Act
    const planned = await reconcileRule({ ...input, dryRun: true }, client);
    const calledInDryRun = eventBridge.commandCalls(PutRuleCommand).length;
    const applied = await reconcileRule(input, client);

    // Assess
    expect(planned.action).toBe('would-update');
    expect(calledInDryRun).toBe(0);
    expect(applied.action).toBe('updated');
    expect(eventBridge).toHaveReceivedCommandTimes(PutRuleCommand, 1);
  });

  it('plans a creation without reading when the bus does not exist yet', async () => {
    // Act
    const entry = await reconcileRule({ ...input, busExists: false, dryRun: true }, client);

    // Assess
    expect(entry.action).toBe('would-create');
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('deletes the rule on teardown, and reports a missing one unchanged', async () => {
    // Prepare
    eventBridge
      .on(DescribeRuleCommand)
      .resolvesOnce(existing)
      .rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }));

    // Act
    const first = await removeRule({ name: 'to-queue', busName: BUS, dryRun: false }, client);
    const second = await removeRule({ name: 'to-queue', busName: BUS, dryRun: false }, client);

    // Assess
    expect([first.action, second.action]).toEqual(['deleted', 'unchanged']);
    expect(eventBridge).toHaveReceivedCommandTimes(DeleteRuleCommand, 1);
    expect(eventBridge).toHaveReceivedCommandWith(DeleteRuleCommand, { Name: 'to-queue', EventBusName: BUS });
  });
});
