import type { EventBridgeClient, Tag } from '@aws-sdk/client-eventbridge';
import { createPartnerEventBus, deleteEventBus, describeEventBus } from '../aws/event-bus.js';
import { tagResource } from '../aws/tags.js';

import type { Claim } from './ownership.js';
import { type DeleteWait, retryStaleRefusal } from './stale.js';
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
 * Teardown of step 2: deletes the partner bus; one that is already gone is reported unchanged. Right after
 * DeleteRule, EventBridge may still refuse with "has rules" (eventual consistency, or a rule added by a
 * concurrent change): the refusal is retried with bounded backoff, then reported as transient.
 * IAM: events:DescribeEventBus, events:DeleteEventBus.
 */
export const removeBus = async (
  input: { sourceName: string | undefined; dryRun: boolean },
  eventBridge: EventBridgeClient,
  wait: DeleteWait = {},
): Promise<BusEntry> => {
  const name = input.sourceName;
  const arn = name ? await describeEventBus(eventBridge, name) : undefined;
  if (!name || !arn) return { resource: 'bus', action: 'unchanged', ...(name && { name }) };
  if (input.dryRun) return { resource: 'bus', action: 'would-delete', name, arn };
  await retryStaleRefusal(
    () => deleteEventBus(eventBridge, name),
    /rule/i,
    async () => undefined,
    `DeleteEventBus: EventBridge still sees a rule on bus ${name} (just deleted, or added by a concurrent change); run again`,
    wait,
  );
  return { resource: 'bus', action: 'deleted', name, arn };
};
