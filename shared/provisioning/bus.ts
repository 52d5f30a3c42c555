import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createPartnerEventBus, deleteEventBus, describeEventBus } from '../aws/event-bus.js';
import type { BusEntry } from './types.js';

/**
 * Step 2: the partner event bus, named exactly like the source (`Name` = `EventSourceName` = full name).
 * Without a source (dry run) it can only be planned.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
 */
export const reconcileBus = async (
  input: { sourceName: string | undefined; dryRun: boolean },
  eventBridge: EventBridgeClient,
): Promise<BusEntry> => {
  const name = input.sourceName;
  if (!name) return { resource: 'bus', action: 'would-create' };
  const arn = await describeEventBus(eventBridge, name);
  if (arn) return { resource: 'bus', action: 'unchanged', name, arn };
  if (input.dryRun) return { resource: 'bus', action: 'would-create', name };
  const created = await createPartnerEventBus(eventBridge, name);
  return { resource: 'bus', action: created.existed ? 'unchanged' : 'created', name, arn: created.arn };
};

/** Teardown of step 2: deletes the partner bus; one that is already gone is reported unchanged. */
export const removeBus = async (
  input: { sourceName: string | undefined; dryRun: boolean },
  eventBridge: EventBridgeClient,
): Promise<BusEntry> => {
  const name = input.sourceName;
  const arn = name ? await describeEventBus(eventBridge, name) : undefined;
  if (!name || !arn) return { resource: 'bus', action: 'unchanged', ...(name && { name }) };
  if (input.dryRun) return { resource: 'bus', action: 'would-delete', name, arn };
  await deleteEventBus(eventBridge, name);
  return { resource: 'bus', action: 'deleted', name, arn };
};
