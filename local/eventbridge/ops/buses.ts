/**
 * Event bus operations with partner semantics: a bus named after a PENDING partner source activates it.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
 */
import { z } from 'zod';
import { busArn, busNameOf, DEFAULT_BUS } from '../arns.js';
import { AwsError, invalid, notFound } from '../errors.js';
import type { Operation } from './context.js';
import {
  BusNameSchema,
  BusRefSchema,
  epochSeconds,
  PARTNER_SOURCE_NAME,
  parseInput,
  TagsSchema,
  tagMapOf,
} from './input.js';
import { expiryFromNow } from './sources.js';

const CreateEventBusInput = z.object({
  Name: BusNameSchema,
  EventSourceName: z.string().min(1).max(256).optional(),
  Description: z.string().max(512).optional(),
  Tags: TagsSchema.optional(),
});

/** CreateEventBus: a custom bus, or a partner bus whose Name and EventSourceName equal a partner source's name. */
export const createEventBus: Operation = (input, { state }) => {
  const { Name, EventSourceName, Description, Tags } = parseInput(CreateEventBusInput, input);
  if (EventSourceName === undefined) {
    if (Name.startsWith('aws.')) throw invalid("EventBus name starting with 'aws.' is not valid.");
    if (Name.includes('/'))
      throw invalid(`EventBus name ${Name} is not valid: '/' is allowed only in partner bus names.`);
  } else {
    if (!PARTNER_SOURCE_NAME.test(EventSourceName))
      throw invalid(`Event source name ${EventSourceName} is not valid.`);
    if (EventSourceName !== Name) throw invalid('Event bus name must match the event source name.');
  }
  if (Name === DEFAULT_BUS || state.buses.has(Name)) {
    throw new AwsError('ResourceAlreadyExistsException', `Event bus ${Name} already exists.`);
  }
  if (state.buses.size - 1 >= state.behaviour.eventBuses) {
    throw new AwsError(
      'LimitExceededException',
      `The requested resource exceeds the maximum number allowed (${state.behaviour.eventBuses} event buses).`,
    );
  }
  if (EventSourceName !== undefined) {
    const source = state.sources.get(EventSourceName);
    if (source === undefined || !state.lists(source) || source.state === 'DELETED') {
      throw notFound(`Event source ${EventSourceName} does not exist.`);
    }
    source.state = 'ACTIVE';
  }
  const now = new Date();
  const arn = busArn(state.place, Name);
  state.buses.set(Name, {
    name: Name,
    arn,
    creationTime: now,
    lastModifiedTime: now,
    tags: tagMapOf(Tags),
    ...(EventSourceName === undefined ? {} : { eventSourceName: EventSourceName }),
    ...(Description === undefined ? {} : { description: Description }),
  });
  return { EventBusArn: arn };
};

/** DescribeEventBus: the named bus (name or ARN; the default bus when omitted). */
export const describeEventBus: Operation = (input, { state }) => {
  const { Name } = parseInput(z.object({ Name: BusRefSchema }), input);
  const bus = state.bus(busNameOf(Name));
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description === undefined ? {} : { Description: bus.description }),
    CreationTime: epochSeconds(bus.creationTime),
    LastModifiedTime: epochSeconds(bus.lastModifiedTime),
  };
};

/** DeleteEventBus: idempotent, refused while rules remain; a partner source goes back to PENDING. */
export const deleteEventBus: Operation = (input, { state }) => {
  const { Name } = parseInput(z.object({ Name: BusNameSchema }), input);
  if (Name === DEFAULT_BUS) throw invalid('Cannot delete event bus default.');
  const bus = state.buses.get(Name);
  if (bus === undefined) return {};
  // Right after DeleteRule, DeleteEventBus may still see the rules (eventual consistency).
  if ((state.rules.get(Name)?.size ?? 0) > 0 || state.now() < (state.deletedRulesSeenUntil.get(Name) ?? 0)) {
    throw invalid("EventBus can't be deleted since it has rules.");
  }
  state.buses.delete(Name);
  state.rules.delete(Name);
  const source = bus.eventSourceName === undefined ? undefined : state.sources.get(bus.eventSourceName);
  if (source?.state === 'DELETED') state.sources.delete(source.name);
  else if (source !== undefined) {
    source.state = 'PENDING';
    source.expirationTime = expiryFromNow();
  }
  return {};
};
