/**
 * PutPartnerEvents and PutEvents: build the standard envelope, match it against the bus's enabled rules and
 * start delivery. Events for a PENDING partner source are accepted and dropped, as AWS drops them.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPartnerEvents.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
import { z } from 'zod';
import { busNameOf } from '../arns.js';
import { buildEvent, type EntryContent, type EventEnvelope } from '../event.js';
import { matchesEventPattern } from '../pattern.js';
import type { Operation, OperationContext } from './context.js';
import { PARTNER_SOURCE_NAME, parseInput } from './input.js';

const EntrySchema = z.object({
  Time: z.number().optional(),
  Source: z.string().optional(),
  Resources: z.array(z.string()).optional(),
  DetailType: z.string().optional(),
  Detail: z.string().optional(),
  EventBusName: z.string().optional(),
});
type Entry = z.infer<typeof EntrySchema>;

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const failure = (ErrorCode: string, ErrorMessage: string): EntryResult => ({ ErrorCode, ErrorMessage });

/** An entry's content, or the failure AWS reports for it. */
const contentOf = (entry: Entry): EntryContent | EntryResult => {
  if (entry.Source === undefined || entry.Source === '') {
    return failure(
      'InvalidArgument',
      'Parameter Source is not valid. Reason: Source is a required argument.',
    );
  }
  if (entry.DetailType === undefined || entry.DetailType === '' || entry.DetailType.length > 128) {
    return failure(
      'InvalidArgument',
      'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    );
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail ?? '');
  } catch {
    return failure('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return failure('MalformedDetail', 'Detail is malformed.');
  }
  return {
    source: entry.Source,
    detailType: entry.DetailType,
    detail,
    ...(entry.Resources === undefined ? {} : { resources: entry.Resources }),
    ...(entry.Time === undefined ? {} : { time: new Date(entry.Time * 1000) }),
  };
};

const isContent = (value: EntryContent | EntryResult): value is EntryContent => 'source' in value;

/** Matches an event against the enabled rules of a bus, starts delivery and journals the result. */
const route = (event: EventEnvelope, busName: string, { state, delivery }: OperationContext): void => {
  // Matching sees each rule as it was a propagation delay ago: a rule not visible yet matches nothing.
  const matched = [...(state.rules.get(busName)?.values() ?? [])].flatMap((rule) => {
    const seen = rule.visible;
    if (!seen || seen.state === 'DISABLED' || seen.pattern === undefined) return [];
    return matchesEventPattern(seen.pattern, event) ? [{ ...rule, targets: seen.targets }] : [];
  });
  for (const rule of matched) delivery.dispatch(event, rule);
  state.events.push({ event, busName, matchedRules: matched.map((rule) => rule.name) });
};

const respond = (Entries: EntryResult[]) => ({
  FailedEntryCount: Entries.filter((entry) => 'ErrorCode' in entry).length,
  Entries,
});

/** PutPartnerEvents: a partner sends events to its sources; they reach the bus of the same name if ACTIVE. */
export const putPartnerEvents: Operation = (input, context) => {
  const { Entries } = parseInput(z.object({ Entries: z.array(EntrySchema).min(1).max(20) }), input);
  const results = Entries.map((entry): EntryResult => {
    const content = contentOf(entry);
    if (!isContent(content)) return content;
    if (!PARTNER_SOURCE_NAME.test(content.source)) {
      return failure(
        'InvalidArgument',
        `Parameter Source is not valid. Reason: ${content.source} is not a partner source.`,
      );
    }
    const source = context.state.sources.get(content.source);
    if (source === undefined || source.state === 'DELETED') {
      return failure('NotAuthorizedForSourceException', 'Not authorized for the source.');
    }
    const event = buildEvent(context.state.place, content);
    if (!context.state.sees(source)) {
      // Another account's or region's source: its events go there, not to this emulator's buses.
      context.state.events.push({ event, matchedRules: [], dropped: 'source-elsewhere' });
    } else if (source.state === 'PENDING')
      context.state.events.push({ event, matchedRules: [], dropped: 'source-pending' });
    else route(event, source.name, context);
    return { EventId: event.id };
  });
  return respond(results);
};

/** PutEvents: custom events to a bus (name or ARN; default when omitted); `aws.` sources are reserved. */
export const putEvents: Operation = (input, context) => {
  const { Entries } = parseInput(z.object({ Entries: z.array(EntrySchema).min(1).max(10) }), input);
  const results = Entries.map((entry): EntryResult => {
    const content = contentOf(entry);
    if (!isContent(content)) return content;
    if (content.source.startsWith('aws.')) {
      return failure('NotAuthorizedForSourceException', 'Not authorized for the source.');
    }
    const busName = busNameOf(entry.EventBusName);
    if (!context.state.buses.has(busName)) {
      return failure('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    }
    const event = buildEvent(context.state.place, content);
    route(event, busName, context);
    return { EventId: event.id };
  });
  return respond(results);
};
