import {
  type CloudWatchLogsClient,
  CreateDeliveryCommand,
  DeleteDeliveryCommand,
  DeleteDeliverySourceCommand,
  DescribeDeliveriesCommand,
  GetDeliveryDestinationCommand,
  GetDeliverySourceCommand,
  PutDeliveryDestinationCommand,
  PutDeliverySourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeEventBusCommand,
  type EventBridgeClient,
  type LogConfig,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge';
import { classifyAwsError, isAwsError } from './errors.js';

/**
 * The `LogConfig` of the event bus called `name` (EventBridge event bus logging, since 2024-11), or
 * `undefined` when there is no such bus. A bus that never had logging answers without one.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeEventBus.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_LogConfig.html
 */
export const describeBusLogConfig = async (client: EventBridgeClient, name: string) => {
  try {
    const bus = await client.send(new DescribeEventBusCommand({ Name: name }));
    return { arn: bus.Arn, logConfig: bus.LogConfig };
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw classifyAwsError(error, 'DescribeEventBus');
  }
};

/**
 * Sets the bus's `LogConfig`. UpdateEventBus replaces the bus's optional settings it is given and leaves
 * out the others, so only `Name` and `LogConfig` are sent.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_UpdateEventBus.html
 */
export const updateBusLogConfig = async (client: EventBridgeClient, name: string, logConfig: LogConfig) => {
  try {
    await client.send(new UpdateEventBusCommand({ Name: name, LogConfig: logConfig }));
  } catch (error) {
    throw classifyAwsError(error, 'UpdateEventBus');
  }
};

/** A delivery source as GetDeliverySource reports it, or `undefined` when there is none of that name. */
export const getDeliverySource = async (client: CloudWatchLogsClient, name: string) => {
  try {
    const { deliverySource } = await client.send(new GetDeliverySourceCommand({ name }));
    return {
      name,
      resourceArns: deliverySource?.resourceArns ?? [],
      logType: deliverySource?.logType,
    };
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw classifyAwsError(error, 'GetDeliverySource');
  }
};

/**
 * Creates or updates a delivery source (an upsert: the same name again replaces it).
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliverySource.html
 */
export const putDeliverySource = async (
  client: CloudWatchLogsClient,
  source: { name: string; resourceArn: string; logType: string; tags?: Record<string, string> },
) => {
  try {
    await client.send(new PutDeliverySourceCommand(source));
  } catch (error) {
    throw classifyAwsError(error, 'PutDeliverySource');
  }
};

/** Deletes a delivery source; one already gone is not an error. Its deliveries must be deleted first. */
export const deleteDeliverySource = async (client: CloudWatchLogsClient, name: string) => {
  try {
    await client.send(new DeleteDeliverySourceCommand({ name }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return;
    throw classifyAwsError(error, 'DeleteDeliverySource');
  }
};

/** The delivery destination called `name` (its ARN and the log group it writes to), or `undefined`. */
export const getDeliveryDestination = async (client: CloudWatchLogsClient, name: string) => {
  try {
    const { deliveryDestination } = await client.send(new GetDeliveryDestinationCommand({ name }));
    return {
      arn: deliveryDestination?.arn ?? '',
      destinationResourceArn: deliveryDestination?.deliveryDestinationConfiguration?.destinationResourceArn,
    };
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw classifyAwsError(error, 'GetDeliveryDestination');
  }
};

/**
 * Creates or updates the delivery destination called `name` pointing at a log group; returns its ARN.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliveryDestination.html
 */
export const putDeliveryDestination = async (
  client: CloudWatchLogsClient,
  name: string,
  logGroupArn: string,
) => {
  try {
    const { deliveryDestination } = await client.send(
      new PutDeliveryDestinationCommand({
        name,
        outputFormat: 'json',
        deliveryDestinationConfiguration: { destinationResourceArn: logGroupArn },
      }),
    );
    return deliveryDestination?.arn ?? '';
  } catch (error) {
    throw classifyAwsError(error, 'PutDeliveryDestination');
  }
};

export interface DeliveryLink {
  id: string;
  deliverySourceName: string;
  deliveryDestinationArn: string;
}

/**
 * Every delivery of the account. DescribeDeliveries has no filter, so this pages through all of them
 * (50 a page): N stores' deliveries cost N x deliveries / 50 pages to list.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeDeliveries.html
 */
export const listDeliveries = async (client: CloudWatchLogsClient): Promise<DeliveryLink[]> => {
  const found: DeliveryLink[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(new DescribeDeliveriesCommand({ limit: 50, nextToken }));
      for (const delivery of page.deliveries ?? []) {
        if (delivery.id && delivery.deliverySourceName) {
          found.push({
            id: delivery.id,
            deliverySourceName: delivery.deliverySourceName,
            deliveryDestinationArn: delivery.deliveryDestinationArn ?? '',
          });
        }
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    throw classifyAwsError(error, 'DescribeDeliveries');
  }
  return found;
};

/** The deliveries of `links` whose source is one of `sourceNames`. */
export const linksFrom = (links: readonly DeliveryLink[], sourceNames: readonly string[]): DeliveryLink[] => {
  const wanted = new Set(sourceNames);
  return links.filter((link) => wanted.has(link.deliverySourceName));
};

/** The account's deliveries whose source is one of `sourceNames`, listed now (see {@link listDeliveries}). */
export const deliveriesFrom = async (
  client: CloudWatchLogsClient,
  sourceNames: readonly string[],
): Promise<DeliveryLink[]> => linksFrom(await listDeliveries(client), sourceNames);

/**
 * Links a delivery source to a destination. A pair that is already linked (ConflictException, e.g. a
 * run that created it and stopped before recording it) counts as success.
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateDelivery.html
 */
export const createDelivery = async (
  client: CloudWatchLogsClient,
  deliverySourceName: string,
  deliveryDestinationArn: string,
) => {
  try {
    const { delivery } = await client.send(
      new CreateDeliveryCommand({ deliverySourceName, deliveryDestinationArn }),
    );
    return { id: delivery?.id, existed: false };
  } catch (error) {
    if (isAwsError(error, 'ConflictException')) return { id: undefined, existed: true };
    throw classifyAwsError(error, 'CreateDelivery');
  }
};

/** Deletes a delivery by id; one already gone is not an error. */
export const deleteDelivery = async (client: CloudWatchLogsClient, id: string) => {
  try {
    await client.send(new DeleteDeliveryCommand({ id }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return;
    throw classifyAwsError(error, 'DeleteDelivery');
  }
};
