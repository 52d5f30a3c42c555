import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../shared/errors.js';
import { reconcileBus, removeBus } from '../../../shared/provisioning/bus.js';

const NAME = 'aws.partner/bigcommerce.com/test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1';
const BUS_ARN = `arn:aws:events:us-east-1:123456789012:event-bus/${NAME}`;
const meta = { $metadata: {} };

describe('Step: partner event bus', () => {
  const eventBridge = mockClient(EventBridgeClient);
  const client = new EventBridgeClient({});

  beforeEach(() => eventBridge.reset());

  it('makes no call beyond DescribeEventBus when the bus exists', async () => {
    // Prepare
    eventBridge.on(DescribeEventBusCommand).resolves({ Name: NAME, Arn: BUS_ARN });

    // Act
    const entry = await reconcileBus({ sourceName: NAME, dryRun: false }, client);

    // Assess
    expect(entry).toEqual({ resource: 'bus', action: 'unchanged', name: NAME, arn: BUS_ARN });
    expect(eventBridge).not.toHaveReceivedCommand(CreateEventBusCommand);
  });

  it('creates the bus with Name and EventSourceName both the full source name', async () => {
    // Prepare
    eventBridge
      .on(DescribeEventBusCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', ...meta }));
    eventBridge.on(CreateEventBusCommand).resolves({ EventBusArn: BUS_ARN });

    // Act
    const entry = await reconcileBus({ sourceName: NAME, dryRun: false }, client);

    // Assess
    expect(entry).toEqual({ resource: 'bus', action: 'created', name: NAME, arn: BUS_ARN });
    expect(eventBridge).toHaveReceivedCommandWith(CreateEventBusCommand, {
      Name: NAME,
      EventSourceName: NAME,
    });
  });

  it('counts ResourceAlreadyExistsException (a concurrent run) as done', async () => {
    // Prepare
    eventBridge
      .on(DescribeEventBusCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'none', ...meta }))
      .resolves({ Arn: BUS_ARN });
    eventBridge
      .on(CreateEventBusCommand)
      .rejects(new ResourceAlreadyExistsException({ message: 'exists', ...meta }));

    // Act
    const entry = await reconcileBus({ sourceName: NAME, dryRun: false }, client);

    // Assess
    expect(entry).toEqual({ resource: 'bus', action: 'unchanged', name: NAME, arn: BUS_ARN });
  });

  it('reports a source EventBridge cannot see yet as transient', async () => {
    // Prepare
    eventBridge
      .on(DescribeEventBusCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', ...meta }));
    eventBridge
      .on(CreateEventBusCommand)
      .rejects(new ResourceNotFoundException({ message: 'no source', ...meta }));

    // Act
    const result = reconcileBus({ sourceName: NAME, dryRun: false }, client);

    // Assess
    await expect(result).rejects.toThrow(TransientError);
  });

  it('classifies throttling as transient and a validation error as permanent', async () => {
    // Prepare
    eventBridge
      .on(DescribeEventBusCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', ...meta }));
    const validation = Object.assign(new Error('EventBus name starting with aws. is not valid'), {
      name: 'ValidationException',
      $fault: 'client',
    });

    // Act
    const throttled = reconcileBus({ sourceName: NAME, dryRun: false }, client);
    await expect(throttled).rejects.toThrow(TransientError);
    eventBridge.on(DescribeEventBusCommand).rejects(validation);
    const invalid = reconcileBus({ sourceName: NAME, dryRun: false }, client);

    // Assess
    await expect(invalid).rejects.toThrow(PermanentError);
    await expect(invalid).rejects.toThrow(/DescribeEventBus failed: ValidationException/);
  });

  it('plans without calling CreateEventBus in a dry run', async () => {
    // Prepare
    eventBridge
      .on(DescribeEventBusCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', ...meta }));

    // Act
    const planned = await reconcileBus({ sourceName: NAME, dryRun: true }, client);
    const noSource = await reconcileBus({ sourceName: undefined, dryRun: true }, client);

    // Assess
    expect(planned).toEqual({ resource: 'bus', action: 'would-create', name: NAME });
    expect(noSource).toEqual({ resource: 'bus', action: 'would-create' });
    expect(eventBridge).not.toHaveReceivedCommand(CreateEventBusCommand);
  });

  it('deletes an existing bus on teardown and reports a missing one unchanged', async () => {
    // Prepare
    eventBridge
      .on(DescribeEventBusCommand)
      .resolvesOnce({ Arn: BUS_ARN })
      .rejects(new ResourceNotFoundException({ message: 'none', ...meta }));

    // Act
    const first = await removeBus({ sourceName: NAME, dryRun: false }, client);
    const second = await removeBus({ sourceName: NAME, dryRun: false }, client);

    // Assess
    expect(first.action).toBe('deleted');
    expect(second.action).toBe('unchanged');
    expect(eventBridge).toHaveReceivedCommandTimes(DeleteEventBusCommand, 1);
  });
});
