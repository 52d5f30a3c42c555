/**
 * The standard EventBridge event envelope, the body an SQS target receives by default.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html
 */
import { randomUUID } from 'node:crypto';
import type { Place } from './arns.js';

/** An event as EventBridge matches it against patterns and sends it to targets. */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/** What a PutEvents or PutPartnerEvents entry contributes to an event. */
export interface EntryContent {
  source: string;
  detailType: string;
  detail: unknown;
  resources?: string[];
  time?: Date;
}

/** ISO-8601 UTC without milliseconds, as EventBridge writes `time`. */
export const eventTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Builds the envelope for one accepted entry, with a fresh UUID as its id. */
export const buildEvent = (place: Place, entry: EntryContent): EventEnvelope => ({
  version: '0',
  id: randomUUID(),
  'detail-type': entry.detailType,
  source: entry.source,
  account: place.account,
  time: eventTime(entry.time ?? new Date()),
  region: place.region,
  resources: entry.resources ?? [],
  detail: entry.detail,
});
