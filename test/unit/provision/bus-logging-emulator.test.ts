import {
  CloudWatchLogsClient,
  ConflictException,
  CreateDeliveryCommand,
  DeleteDeliverySourceCommand,
  DescribeDeliveriesCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateEventBusCommand,
  CreatePartnerEventSourceCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloudWatchLogs, startCloudWatchLogs } from '../../../local/cloudwatch-logs.js';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../../local/eventbridge/emulator.js';
import { deliveriesFrom } from '../../../shared/aws/vended-logs.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const BUS = 'aws.partner/bigcommerce.com/test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1';
const BUS_ARN = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${BUS}`;
const GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/events/test`;

describe('Emulators: event bus LogConfig and CloudWatch Logs deliveries, through the real SDK', () => {
  let eventBridge: EventBridgeEmulator;
  let logs: LocalCloudWatchLogs;
  let events: EventBridgeClient;
  let client: CloudWatchLogsClient;

  beforeAll(async () => {
    eventBridge = await startEventBridgeEmulator({ port: 0, account: ACCOUNT, region: REGION });
    logs = await startCloudWatchLogs();
    events = new EventBridgeClient({ endpoint: eventBridge.url, region: REGION, credentials });
    client = new CloudWatchLogsClient({ endpoint: logs.url, region: REGION, credentials, maxAttempts: 1 });
  });

  beforeEach(() => {
    eventBridge.reset();
    logs.reset();
  });

  afterAll(async () => {
    events.destroy();
    client.destroy();
    await logs.close();
    await eventBridge.close();
  });

  it('keeps a LogConfig from CreateEventBus, changes it with UpdateEventBus, and DescribeEventBus returns it', async () => {
    // Prepare
    await events.send(new CreatePartnerEventSourceCommand({ Name: BUS, Account: ACCOUNT }));

    // Act
    await events.send(
      new CreateEventBusCommand({
        Name: BUS,
        EventSourceName: BUS,
        LogConfig: { Level: 'ERROR', IncludeDetail: 'NONE' },
      }),
    );
    const created = await events.send(new DescribeEventBusCommand({ Name: BUS }));
    await events.send(
      new UpdateEventBusCommand({ Name: BUS, LogConfig: { Level: 'TRACE', IncludeDetail: 'FULL' } }),
    );
    const updated = await events.send(new DescribeEventBusCommand({ Name: BUS }));
    const refused = await events
      .send(new UpdateEventBusCommand({ Name: BUS, LogConfig: { Level: 'LOUD' as 'INFO' } }))
      .catch((error: unknown) => error);

    // Assess
    expect(created.LogConfig).toEqual({ Level: 'ERROR', IncludeDetail: 'NONE' });
    expect(updated.LogConfig).toEqual({ Level: 'TRACE', IncludeDetail: 'FULL' });
    expect((refused as Error).name).toBe('ValidationException');
  });

  it('refuses a delivery without its source, a second delivery of one pair, and deleting a source with a delivery', async () => {
    // Prepare
    const { deliveryDestination } = await client.send(
      new PutDeliveryDestinationCommand({
        name: 'dest',
        deliveryDestinationConfiguration: { destinationResourceArn: GROUP },
      }),
    );
    const destinationArn = deliveryDestination?.arn ?? '';

    // Act
    const withoutSource = await client
      .send(new CreateDeliveryCommand({ deliverySourceName: 'src', deliveryDestinationArn: destinationArn }))
      .catch((error: unknown) => error);
    await client.send(
      new PutDeliverySourceCommand({ name: 'src', resourceArn: BUS_ARN, logType: 'INFO_LOGS' }),
    );
    await client.send(
      new CreateDeliveryCommand({ deliverySourceName: 'src', deliveryDestinationArn: destinationArn }),
    );
    const again = await client
      .send(new CreateDeliveryCommand({ deliverySourceName: 'src', deliveryDestinationArn: destinationArn }))
      .catch((error: unknown) => error);
    const deleteSource = await client
      .send(new DeleteDeliverySourceCommand({ name: 'src' }))
      .catch((error: unknown) => error);

    // Assess
    expect(withoutSource).toBeInstanceOf(ResourceNotFoundException);
    expect(again).toBeInstanceOf(ConflictException);
    expect(deleteSource).toBeInstanceOf(ConflictException);
    expect(logs.sources().map((source) => source.service)).toEqual(['events']);
  });

  it('pages DescribeDeliveries 50 at a time, and deliveriesFrom finds a store past the first page', async () => {
    // Prepare
    const { deliveryDestination } = await client.send(
      new PutDeliveryDestinationCommand({
        name: 'dest',
        deliveryDestinationConfiguration: { destinationResourceArn: GROUP },
      }),
    );
    for (let index = 0; index < 60; index++) {
      const name = `store-${index}`;
      await client.send(
        new PutDeliverySourceCommand({ name, resourceArn: `${BUS_ARN}${index}`, logType: 'ERROR_LOGS' }),
      );
      await client.send(
        new CreateDeliveryCommand({
          deliverySourceName: name,
          deliveryDestinationArn: deliveryDestination?.arn ?? '',
        }),
      );
    }

    // Act
    const first = await client.send(new DescribeDeliveriesCommand({ limit: 50 }));
    const found = await deliveriesFrom(client, ['store-57']);

    // Assess
    expect(first.deliveries).toHaveLength(50);
    expect(first.nextToken).toBeDefined();
    expect(found.map((delivery) => delivery.deliverySourceName)).toEqual(['store-57']);
  });
});
