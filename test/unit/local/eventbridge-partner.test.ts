import {
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DeleteEventBusCommand,
  DeletePartnerEventSourceCommand,
  DescribeEventBusCommand,
  DescribeEventSourceCommand,
  ListEventSourcesCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventBridgeStack, startEventBridgeStack } from '../../helpers/eventbridge-stack.js';

const SOURCE = 'aws.partner/bigcommerce.com/123456789012/store-abc';
const ACCOUNT = '123456789012';

describe('EventBridge emulator: partner event source lifecycle', () => {
  let stack: EventBridgeStack;
  beforeAll(async () => {
    stack = await startEventBridgeStack();
  });
  afterAll(async () => {
    await stack.close();
  });
  beforeEach(() => stack.emulator.reset());

  const createSource = (name = SOURCE) =>
    stack.eventBridge.send(new CreatePartnerEventSourceCommand({ Name: name, Account: ACCOUNT }));
  const describeSource = (name = SOURCE) =>
    stack.eventBridge.send(new DescribeEventSourceCommand({ Name: name }));

  it('creates a PENDING source with the partner as CreatedBy and an account-less ARN', async () => {
    // Act
    const { EventSourceArn } = await createSource();
    const source = await describeSource();

    // Assess
    expect(EventSourceArn).toBe(`arn:aws:events:us-east-1::event-source/${SOURCE}`);
    expect(source).toMatchObject({
      Name: SOURCE,
      Arn: EventSourceArn,
      State: 'PENDING',
      CreatedBy: 'bigcommerce.com',
    });
    expect(source.CreationTime).toBeInstanceOf(Date);
    expect(source.ExpirationTime?.getTime()).toBeGreaterThan(Date.now());
  });

  it('activates the source when a bus of the same name is created with it as EventSourceName', async () => {
    // Prepare
    await createSource();

    // Act
    const { EventBusArn } = await stack.eventBridge.send(
      new CreateEventBusCommand({ Name: SOURCE, EventSourceName: SOURCE }),
    );
    const source = await describeSource();
    const bus = await stack.eventBridge.send(new DescribeEventBusCommand({ Name: EventBusArn }));

    // Assess
    expect(EventBusArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${SOURCE}`);
    expect(source.State).toBe('ACTIVE');
    expect(bus).toMatchObject({ Name: SOURCE, Arn: EventBusArn });
  });

  it('puts the source back to PENDING when its bus is deleted', async () => {
    // Prepare
    await createSource();
    await stack.eventBridge.send(new CreateEventBusCommand({ Name: SOURCE, EventSourceName: SOURCE }));

    // Act
    await stack.eventBridge.send(new DeleteEventBusCommand({ Name: SOURCE }));
    const source = await describeSource();

    // Assess
    expect(source.State).toBe('PENDING');
    await expect(
      stack.eventBridge.send(new DescribeEventBusCommand({ Name: SOURCE })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses an aws.-prefixed bus name without EventSourceName, as AWS does', async () => {
    // Prepare
    await createSource();

    // Act
    const creating = stack.eventBridge.send(new CreateEventBusCommand({ Name: SOURCE }));

    // Assess
    await expect(creating).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(creating).rejects.toThrow("EventBus name starting with 'aws.' is not valid.");
  });

  it('answers ResourceNotFoundException for a bus naming an unknown source', async () => {
    // Act
    const creating = stack.eventBridge.send(
      new CreateEventBusCommand({ Name: SOURCE, EventSourceName: SOURCE }),
    );

    // Assess
    await expect(creating).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(stack.emulator.inspect.buses().map((bus) => bus.name)).toEqual(['default']);
  });

  it('answers ResourceAlreadyExistsException for a second bus or a second source of the same name', async () => {
    // Prepare
    await createSource();
    await stack.eventBridge.send(new CreateEventBusCommand({ Name: SOURCE, EventSourceName: SOURCE }));

    // Act
    // Both settled before either is asserted, so the one refused first is never an unhandled rejection.
    const [secondBus, secondSource] = await Promise.allSettled([
      stack.eventBridge.send(new CreateEventBusCommand({ Name: SOURCE, EventSourceName: SOURCE })),
      createSource(),
    ]);

    // Assess
    expect(secondBus.status === 'rejected' && secondBus.reason).toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
    expect(secondSource.status === 'rejected' && secondSource.reason).toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
  });

  it('refuses a partner bus whose name differs from its EventSourceName', async () => {
    // Prepare
    await createSource();

    // Act
    const creating = stack.eventBridge.send(
      new CreateEventBusCommand({ Name: `${SOURCE}-other`, EventSourceName: SOURCE }),
    );

    // Assess
    await expect(creating).rejects.toMatchObject({ name: 'ValidationException' });
    expect((await describeSource()).State).toBe('PENDING');
  });

  it('answers ResourceNotFoundException when describing an unknown source', async () => {
    // Act
    const describing = describeSource('aws.partner/bigcommerce.com/nobody/nothing');

    // Assess
    await expect(describing).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists sources by NamePrefix, page by page', async () => {
    // Prepare
    for (const name of ['a', 'b', 'c']) await createSource(`aws.partner/bigcommerce.com/${ACCOUNT}/${name}`);
    await createSource('aws.partner/shopify.com/app/x');

    // Act
    const first = await stack.eventBridge.send(
      new ListEventSourcesCommand({ NamePrefix: 'aws.partner/bigcommerce.com/', Limit: 2 }),
    );
    const second = await stack.eventBridge.send(
      new ListEventSourcesCommand({
        NamePrefix: 'aws.partner/bigcommerce.com/',
        Limit: 2,
        NextToken: first.NextToken,
      }),
    );

    // Assess
    expect(first.EventSources?.map((source) => source.Name?.split('/').pop())).toEqual(['a', 'b']);
    expect(second.EventSources?.map((source) => source.Name?.split('/').pop())).toEqual(['c']);
    expect(second.NextToken).toBeUndefined();
  });

  it('shows a source deleted by the partner as DELETED while its bus exists, and forgets it with the bus', async () => {
    // Prepare
    await createSource();
    await stack.eventBridge.send(new CreateEventBusCommand({ Name: SOURCE, EventSourceName: SOURCE }));

    // Act
    await stack.eventBridge.send(new DeletePartnerEventSourceCommand({ Name: SOURCE, Account: ACCOUNT }));
    const whileBusExists = (await describeSource()).State;
    await stack.eventBridge.send(new DeleteEventBusCommand({ Name: SOURCE }));

    // Assess
    expect(whileBusExists).toBe('DELETED');
    await expect(describeSource()).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('deletes idempotently: an unknown source or bus is not an error, the default bus is', async () => {
    // Act
    await stack.eventBridge.send(new DeletePartnerEventSourceCommand({ Name: SOURCE, Account: ACCOUNT }));
    await stack.eventBridge.send(new DeleteEventBusCommand({ Name: 'never-created' }));
    const deletingDefault = stack.eventBridge.send(new DeleteEventBusCommand({ Name: 'default' }));

    // Assess
    await expect(deletingDefault).rejects.toThrow('Cannot delete event bus default.');
  });

  it('rejects a malformed source name with ValidationException', async () => {
    // Act
    const creating = createSource('aws.partner/only-one-segment');

    // Assess
    await expect(creating).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
