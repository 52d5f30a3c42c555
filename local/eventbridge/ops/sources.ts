/**
 * Partner event source operations: the partner side (Create/DeletePartnerEventSource) and the customer side
 * (ListEventSources, DescribeEventSource).
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_EventSource.html
 */
import { z } from 'zod';
import { eventSourceArn, partnerOf } from '../arns.js';
import { AwsError } from '../errors.js';
import type { PartnerSource } from '../state.js';
import type { Operation } from './context.js';
import {
  AccountSchema,
  epochSeconds,
  PagingSchema,
  paginate,
  parseInput,
  SourceNameSchema,
} from './input.js';

/** A PENDING source expires if no bus claims it; AWS deletes it after two weeks. */
const PENDING_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;

/** The time a source left in PENDING from now on would expire. */
export const expiryFromNow = (): Date => new Date(Date.now() + PENDING_LIFETIME_MS);

const describe = (source: PartnerSource) => ({
  Arn: source.arn,
  CreatedBy: source.createdBy,
  CreationTime: epochSeconds(source.creationTime),
  ...(source.state === 'PENDING' ? { ExpirationTime: epochSeconds(source.expirationTime) } : {}),
  Name: source.name,
  State: source.state,
});

/** CreatePartnerEventSource: a new source in PENDING state until the customer creates its bus. */
export const createPartnerEventSource: Operation = (input, { state, caller }) => {
  const { Name, Account } = parseInput(z.object({ Name: SourceNameSchema, Account: AccountSchema }), input);
  if (state.sources.has(Name)) {
    throw new AwsError('ResourceAlreadyExistsException', `Event source ${Name} already exists.`);
  }
  const arn = eventSourceArn(state.place, Name);
  state.sources.set(Name, {
    name: Name,
    arn,
    account: Account,
    region: caller?.region ?? state.place.region,
    createdBy: partnerOf(Name),
    creationTime: new Date(),
    expirationTime: expiryFromNow(),
    state: 'PENDING',
    hiddenForLists: state.behaviour.sourceHiddenForLists,
  });
  return { EventSourceArn: arn };
};

/** DeletePartnerEventSource: idempotent; a source whose bus still exists stays visible as DELETED. */
export const deletePartnerEventSource: Operation = (input, { state }) => {
  const { Name } = parseInput(z.object({ Name: SourceNameSchema, Account: AccountSchema }), input);
  const source = state.sources.get(Name);
  if (source === undefined) return {};
  if (state.buses.has(Name)) source.state = 'DELETED';
  else state.sources.delete(Name);
  return {};
};

/** ListEventSources: sources by name, filtered by NamePrefix, paged; each first page brings hidden sources a call closer to showing. */
export const listEventSources: Operation = (input, { state }) => {
  const { NamePrefix, ...paging } = parseInput(
    PagingSchema.extend({ NamePrefix: z.string().min(1).max(256).optional() }),
    input,
  );
  const sources = [...state.sources.values()]
    .filter((source) => state.lists(source))
    .filter((source) => NamePrefix === undefined || source.name.startsWith(NamePrefix))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (paging.NextToken === undefined) {
    for (const source of state.sources.values())
      source.hiddenForLists = Math.max(0, source.hiddenForLists - 1);
  }
  const { page, nextToken } = paginate(sources, paging, state.behaviour.maxPageSize);
  return { EventSources: page.map(describe), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
};

/** DescribeEventSource: one source, or ResourceNotFoundException. */
export const describeEventSource: Operation = (input, { state }) => {
  const { Name } = parseInput(z.object({ Name: SourceNameSchema }), input);
  return describe(state.source(Name));
};
