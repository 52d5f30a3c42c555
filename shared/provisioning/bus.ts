import type { EventBridgeClient, Tag } from '@aws-sdk/client-eventbridge';
import { isAwsError } from '../aws/errors.js';
import { createPartnerEventBus, deleteEventBus, describeEventBus } from '../aws/event-bus.js';
import { tagResource } from '../aws/tags.js';
import { messageOf, TransientError } from '../errors.js';
import type { Claim } from './ownership.js';
import type { BusEntry } from './types.js';

/**
 * Step 2: the partner event bus, named exactly like the source (`Name` = `EventSourceName` = full name) and
 * created with the ownership `tags`; an untagged bus proven to be this store's (`claim: 'adopt'`) is
 * tagged. Without a source (dry run) it can only be planned.
 * IAM: events:DescribeEventBus, events:CreateEventBus, events:TagResource.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
 */
export const reconcileBus = async (
  input: { sourceName: string | undefined; dryRun: boolean; claim?: Claim; tags?: Tag[] },
  eventBridge: EventBridgeClient,
): Promise<BusEntry> => {
  const name = input.sourceName;
  if (!name) return { resource: 'bus', action: 'would-create' };
  const arn = await describeEventBus(eventBridge, name);
  if (arn && input.claim === 'adopt') {
    if (input.dryRun) return { resource: 'bus', action: 'would-update', name, arn };
    await tagResource(eventBridge, arn, input.tags ?? []);
    return { resource: 'bus', action: 'updated', name, arn };
  }
  if (arn) return { resource: 'bus', action: 'unchanged', name, arn };
  if (input.dryRun) return { resource: 'bus', action: 'would-create', name };
  const created = await createPartnerEventBus(eventBridge, name, input.tags ?? []);
  return { resource: 'bus', action: created.existed ? 'unchanged' : 'created', name, arn: created.arn };
};

/**
 * Teardown of step 2: deletes the partner bus; one that is already gone is reported unchanged. A bus that
 * gained a rule while this run worked (a concurrent change, seen by "has rules") is a transient failure.
 */
export const removeBus = async (
  input: { sourceName: string | undefined; dryRun: boolean },
  eventBridge: EventBridgeClient,
): Promise<BusEntry> => {
  const name = input.sourceName;
  const arn = name ? await describeEventBus(eventBridge, name) : undefined;
  if (!name || !arn) return { resource: 'bus', action: 'unchanged', ...(name && { name }) };
  if (input.dryRun) return { resource: 'bus', action: 'would-delete', name, arn };
  try {
    await deleteEventBus(eventBridge, name);
  } catch (error) {
    const cause = (error as Error).cause;
    if (isAwsError(cause, 'ValidationException') && /rule/i.test(messageOf(cause))) {
      throw new TransientError(
        `DeleteEventBus: bus ${name} gained a rule while this teardown ran (a concurrent change); run again`,
        { cause: error },
      );
    }
    throw error;
  }
  return { resource: 'bus', action: 'deleted', name, arn };
};
