import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  InternalException,
  ListRulesCommand,
  PutRuleCommand,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventBridgeStack, startEventBridgeStack } from '../../helpers/eventbridge-stack.js';

describe('EventBridge emulator: fault injection and inspection', () => {
  let stack: EventBridgeStack;
  /** Every latency the emulator was asked to add, in ms: its sleep records instead of waiting. */
  const sleeps: number[] = [];
  beforeAll(async () => {
    stack = await startEventBridgeStack({ sleep: async (ms) => void sleeps.push(ms) });
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(() => {
    stack.emulator.reset();
    sleeps.length = 0;
  });

  const putRule = (client = stack.eventBridge) =>
    client.send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["my.app"]}' }));

  it('fails the next n calls of an operation with the injected error, then recovers', async () => {
    // Prepare
    stack.emulator.faults.inject({ operation: 'PutRule', error: 'ThrottlingException', times: 2 });

    // Act
    const outcomes = [];
    for (let call = 0; call < 3; call += 1) outcomes.push(await putRule().catch((error: unknown) => error));
    const otherOperation = await stack.eventBridge.send(new ListRulesCommand({}));

    // Assess
    expect(outcomes[0]).toBeInstanceOf(ThrottlingException);
    expect(outcomes[1]).toBeInstanceOf(ThrottlingException);
    expect(outcomes[2]).toMatchObject({ RuleArn: 'arn:aws:events:us-east-1:123456789012:rule/r' });
    expect(otherOperation.Rules).toHaveLength(1);
    expect(stack.emulator.faults.pending().operations).toEqual([]);
  });

  it('answers InternalException with HTTP 500', async () => {
    // Prepare
    stack.emulator.faults.inject({
      operation: 'CreateEventBus',
      error: 'InternalException',
      message: 'boom',
    });

    // Act
    const error = await stack.eventBridge
      .send(new CreateEventBusCommand({ Name: 'orders' }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InternalException);
    expect(error).toMatchObject({ message: 'boom', $metadata: { httpStatusCode: 500 } });
    expect(stack.emulator.inspect.buses().map((bus) => bus.name)).toEqual(['default']);
  });

  it('is absorbed by the SDK default retries, which the call counts show', async () => {
    // Prepare
    stack.emulator.faults.inject({ operation: 'PutRule', error: 'ThrottlingException', times: 2 });
    const retrying = stack.eventBridgeWith({ maxAttempts: 3 });

    // Act
    const { RuleArn } = await putRule(retrying);

    // Assess
    expect(RuleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/r');
    expect(stack.emulator.calls()).toEqual({ PutRule: 3 });
  });

  it('adds latency to the affected calls only', async () => {
    // Prepare
    stack.emulator.faults.inject({ operation: '*', latencyMs: 150, times: 1 });

    // Act
    await stack.eventBridge.send(new DescribeEventBusCommand({}));
    const afterSlow = [...sleeps];
    await stack.eventBridge.send(new DescribeEventBusCommand({}));

    // Assess
    expect(afterSlow).toEqual([150]);
    expect(sleeps).toEqual([150]);
    expect(stack.emulator.faults.pending().operations).toEqual([]);
  });

  it('closes the connection unanswered for a drop fault: the caller sees a network error', async () => {
    // Prepare
    stack.emulator.faults.inject({ operation: 'ListRules', drop: true });

    // Act
    const dropped = await stack.eventBridge.send(new ListRulesCommand({})).catch((e: unknown) => e);
    const next = await stack.eventBridge.send(new ListRulesCommand({}));

    // Assess
    expect(dropped).toBeInstanceOf(Error);
    expect(dropped).not.toHaveProperty('$metadata.httpStatusCode');
    expect((dropped as Error).message).toMatch(/socket hang up|ECONNRESET/);
    expect(next.Rules).toEqual([]);
  });

  it('counts calls per operation and forgets them on reset', async () => {
    // Prepare
    await putRule();
    await putRule();
    await stack.eventBridge.send(new ListRulesCommand({}));

    // Act
    const before = stack.emulator.calls();
    stack.emulator.reset();

    // Assess
    expect(before).toEqual({ PutRule: 2, ListRules: 1 });
    expect(stack.emulator.calls()).toEqual({});
  });

  it('refuses an operation it does not implement with UnknownOperationException', async () => {
    // Act
    const response = await fetch(stack.emulator.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.TestEventPattern', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: 'Unknown operation AWSEvents.TestEventPattern.',
    });
  });

  it('answers a health check for readiness probes', async () => {
    // Act
    const response = await fetch(`${stack.emulator.url}/health`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
