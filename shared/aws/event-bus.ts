import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DescribeEventBusCommand,
  type EventBridgeClient,
  type Tag,
} from '@aws-sdk/client-eventbridge';
import { messageOf, QuotaExceededError, TransientError } from '../errors.js';
import { classifyAwsError, isAwsError } from './errors.js';

/** The ARN of the event bus called `name`, or `undefined` when there is none. */
export const describeEventBus = async (client: EventBridgeClient, name: string) => {
  try {
    const bus = await client.send(new DescribeEventBusCommand({ Name: name }));
    return bus.Arn;
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw classifyAwsError(error, 'DescribeEventBus');
  }
};

/**
 * Creates the partner bus for a partner source: `Name` and `EventSourceName` must both be the source's
 * full name; `tags` are set with it. An existing bus counts as success (`existed: true`, its tags untouched);
 * a source that is not visible yet is a {@link TransientError}.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
 */
export const createPartnerEventBus = async (client: EventBridgeClient, name: string, tags: Tag[] = []) => {
  try {
    const created = await client.send(
      new CreateEventBusCommand({
        Name: name,
        EventSourceName: name,
        ...(tags.length > 0 && { Tags: tags }),
      }),
    );
    return { arn: created.EventBusArn, existed: false };
  } catch (error) {
    if (isAwsError(error, 'ResourceAlreadyExistsException')) {
      return { arn: await describeEventBus(client, name), existed: true };
    }
    if (isAwsError(error, 'LimitExceededException')) {
      throw new QuotaExceededError(
        `CreateEventBus: this AWS account and region hold as many event buses as their quota allows (EventBridge "Event buses", 100 by default; one per store): request an increase in Service Quotas, or provision further stores in another region or account (${messageOf(error)})`,
        { cause: error },
      );
    }
    if (isAwsError(error, 'ResourceNotFoundException')) {
      throw new TransientError(`CreateEventBus: partner event source ${name} is not visible yet`, {
        cause: error,
      });
    }
    throw classifyAwsError(error, 'CreateEventBus');
  }
};

/** Deletes the event bus called `name`; a bus that is already gone is not an error. */
export const deleteEventBus = async (client: EventBridgeClient, name: string) => {
  try {
    await client.send(new DeleteEventBusCommand({ Name: name }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return;
    throw classifyAwsError(error, 'DeleteEventBus');
  }
};
