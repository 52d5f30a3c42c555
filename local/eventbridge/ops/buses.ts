/**
 * Event bus operations with partner semantics: a bus named after a PENDING partner source activates it.
 * Event bus logging (`LogConfig`) is set by CreateEventBus and UpdateEventBus and read by DescribeEventBus.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_UpdateEventBus.html
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

/** LogConfig: both fields optional, each one of AWS's values. */
const LogConfigSchema = z.object({
  IncludeDetail: z.enum(['NONE', 'FULL']).optional(),
  Level: z.enum(['OFF', 'ERROR', 'INFO', 'TRACE']).optional(),
});

const CreateEventBusInput = z.object({
  Name: BusNameSchema,
  EventSourceName: z.string().min(1).max(256).optional(),
  Description: z.string().max(512).optional(),
  Tags: TagsSchema.optional(),
  LogConfig: LogConfigSchema.optional(),
});

/** CreateEventBus: a custom bus, or a partner bus whose Name and EventSourceName equal a partner source's name. */
export const createEventBus: Operation = (input, { state }) => {
  const { Name, EventSourceName, Description, Tags, LogConfig } = parseInput(CreateEventBusInput, input);
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
    ...(LogConfig === undefined ? {} : { logConfig: LogConfig }),
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
    ...(bus.logConfig === undefined ? {} : { LogConfig: bus.logConfig }),
    CreationTime: epochSeconds(bus.creationTime),
    LastModifiedTime: epochSeconds(bus.lastModifiedTime),
  };
};

/** UpdateEventBus: sets the fields it is given (of those emulated: Description, LogConfig), keeps the others. */
export const updateEventBus: Operation = (input, { state }) => {
  const { Name, Description, LogConfig } = parseInput(
    z.object({
      Name: BusRefSchema,
      Description: z.string().max(512).optional(),
      LogConfig: LogConfigSchema.optional(),
    }),
    input,
  );
  const bus = state.bus(busNameOf(Name));
  if (Description !== undefined) bus.description = Description;
  if (LogConfig !== undefined) bus.logConfig = LogConfig;
  bus.lastModifiedTime = new Date();
  return {
    Arn: bus.arn,
    Name: bus.name,
    ...(bus.description === undefined ? {} : { Description: bus.description }),
    ...(bus.logConfig === undefined ? {} : { LogConfig: bus.logConfig }),
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
