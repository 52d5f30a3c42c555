/**
 * The faults a soak injects, each through a knob of the offline stack (never of the shipped code), and
 * what each one did, for the figures' `faults` row.
 */
import type { SQSRecord } from 'aws-lambda';
import { readEnvelope } from '../../shared/bigcommerce/transport-envelope.js';
import { recordIdOf } from '../../shared/dedupe/idempotency.js';
import { eventKeyOf } from '../../shared/dedupe/port.js';
import type { DynamoFaults } from '../dynamo-faults.js';
import type { BatchReport } from '../event-source-mapping.js';
import type { DeliveryRecord } from '../eventbridge/delivery.js';
import { NO_PERMISSIONS } from '../eventbridge/delivery.js';
import type { Faults } from '../eventbridge/faults.js';
import type { FaultQueue } from '../sandbox/faults.js';
import type { PlannedEvent } from './plan.js';
import type { LogEntry } from './tally.js';

/** The share (0-1) of each fault; 0 or absent: off. */
export interface SoakFaults {
  /** Events whose handler fails (its BigCommerce fetch answers 503 through every retry) on 1 or 2 attempts. */
  handlerFailures?: number;
  /** Delivery attempts from the EventBridge emulator to the queue that fail (ThrottlingException). */
  deliveryFailures?: number;
  /**
   * Delivery attempts that fail with an error EventBridge does not retry (NO_PERMISSIONS, as for a queue key
   * it may not use): the event goes to the rule target's dead-letter queue at once.
   */
  undeliverable?: number;
  /** Invocations killed mid-batch, before they answer (a lock put stalls them into the function's timeout). */
  crashRate?: number;
  /** Seconds the dedupe table answers every call with HTTP 500, starting when a quarter of the events are fired. */
  dedupeOutageSeconds?: number;
}

/** The client's attempts per fetch (shared/bigcommerce/rest/client.ts): a fault must outlast them all. */
const CLIENT_ATTEMPTS = 5;

/**
 * Arms, for a `share` of the events whose handler fetches its resource, 503 answers to that fetch for one
 * or two whole handler attempts: the handler throws, the record fails and comes back, and a later attempt
 * (at most the third of the queue's five receives) succeeds. Returns how many handler attempts will fail.
 */
export const armHandlerFailure = (
  faults: Pick<FaultQueue, 'add'>,
  event: PlannedEvent,
  share: number,
  random: () => number,
): number => {
  if (!event.fetches || event.expect !== 'handled' || random() >= share) return 0;
  const attempts = random() < 0.5 ? 1 : 2;
  faults.add({ match: `GET ${event.fetches}`, status: 503, times: attempts * CLIENT_ATTEMPTS });
  return attempts;
};

/**
 * Arms, with probability `share`, one failed delivery attempt to `targetArn`: it hits the next attempt,
 * whichever event that is (retries included), so about `share` of all attempts fail and are retried with
 * the target's RetryPolicy, or end in the target's dead-letter queue.
 */
export const armDeliveryFailure = (
  faults: Pick<Faults, 'injectDelivery'>,
  targetArn: string,
  share: number,
  random: () => number,
): boolean => {
  if (random() >= share) return false;
  faults.injectDelivery({ targetArn, times: 1 });
  return true;
};

/** The ERROR_MESSAGE of an undeliverable attempt (an error EventBridge does not retry). */
export const UNDELIVERABLE_MESSAGE =
  'injected: EventBridge may not use the queue key (kms:GenerateDataKey denied)';

/**
 * Arms, with probability `share`, one delivery attempt to `targetArn` that fails with an error EventBridge
 * does not retry: whichever event takes that attempt goes to the rule target's dead-letter queue at once,
 * so about `share` of the events end there, each an event the figures count as not lost.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export const armUndeliverable = (
  faults: Pick<Faults, 'injectDelivery'>,
  targetArn: string,
  share: number,
  random: () => number,
): boolean => {
  if (random() >= share) return false;
  faults.injectDelivery({
    targetArn,
    times: 1,
    error: NO_PERMISSIONS,
    message: UNDELIVERABLE_MESSAGE,
    retryable: false,
  });
  return true;
};

/** The attributes EventBridge puts on a message it sends to a rule target's dead-letter queue. */
export const DEAD_LETTER_ATTRIBUTES = ['RULE_ARN', 'TARGET_ARN', 'ERROR_CODE', 'ERROR_MESSAGE'] as const;

/**
 * The undeliverable fault's row: the events EventBridge dead-lettered for an error it does not retry (from
 * its deliveries), the messages of theirs found in the target's DLQ, and of those the ones without every
 * attribute EventBridge sets (a message an operator could not trace to its rule and error).
 */
export const undeliverableRow = (
  share: number,
  records: readonly DeliveryRecord[],
  deadLetters: readonly { id?: string; attributes: Readonly<Record<string, string | undefined>> }[],
) => {
  const notRetried = new Set(
    records
      .filter((record) => record.outcome === 'dead-lettered' && record.errorCode === NO_PERMISSIONS)
      .map((record) => record.eventId),
  );
  const found = deadLetters.filter((message) => message.id !== undefined && notRetried.has(message.id));
  return {
    share,
    deadLetteredNotRetried: notRetried.size,
    foundInTargetDlq: found.length,
    withoutErrorAttributes: found.filter((message) =>
      DEAD_LETTER_ATTRIBUTES.some((name) => !message.attributes[name]),
    ).length,
  };
};

/** What EventBridge's side of the soak did: attempts that failed, events retried, dead-lettered, dropped. */
export const deliverySummary = (records: DeliveryRecord[]) => ({
  deliveries: records.length,
  failedAttempts: records.reduce(
    (sum, record) => sum + Math.max(0, record.attempts - (record.outcome === 'delivered' ? 1 : 0)),
    0,
  ),
  deliveredAfterRetry: records.filter((record) => record.outcome === 'delivered' && record.attempts > 1)
    .length,
  maxAttempts: Math.max(0, ...records.map((record) => record.attempts)),
  toTargetDlq: records.filter((record) => record.outcome === 'dead-lettered').length,
  notDelivered: records.filter(
    (record) => record.outcome !== 'delivered' && record.outcome !== 'dead-lettered',
  ).length,
});

/**
 * Arms, with probability `share`, a crash of the invocation about to start: the next lock put of one of its
 * records on the dedupe table is written and never answered, so the invocation runs into the function's
 * timeout with that record in flight and the batch's other records done, and serverless offline terminates
 * the worker thread running it. The stall is aimed at this invocation's records (their dedupe record ids),
 * not at whichever of the five running invocations puts a lock next, so the share of invocations killed is
 * about `share`; the figures count the kills themselves. An invocation holding a record that was in a
 * killed one before is spared: a killed batch comes back whole, and killing it again and again (each kill
 * costs every record a receive, on top of failing handlers') would dead-letter it after the queue's 5
 * receives, as AWS would, which is the fault's doing, not a loss the soak should count. (Aimed at whichever
 * invocation put a lock next, as it was before, a stall could land on such a batch: a shuffled full test
 * run once saw ten events of one batch dead-lettered so.) Returns a function that disarms a stall not yet
 * taken (a batch none of whose records puts a lock), or `undefined` when nothing was armed.
 *
 * Why this kill: serverless offline 14.8.2 runs each Node handler in a worker thread (its default; not
 * `--useInProcess`, not Docker), one per concurrent invocation, and at the function's timeout it races the
 * handler with a timer and then calls `worker.terminate()`, which stops the thread wherever it is, and drops
 * the runner so the next invocation starts a fresh worker (a cold start, as Lambda replaces a timed-out
 * environment). That is a real kill of the code that ran the batch, the one Lambda performs on a timeout,
 * taken through serverless offline's own path rather than a hook into its process. A kill at a random
 * instant (as an out-of-memory can land) was not chosen: landing between a handler's end and its
 * completion write, it makes the handler run again by design (at least once), which says nothing about
 * the dedupe; at the deadline every other record of the batch has long finished and been recorded.
 */
export const armCrash = (
  dynamo: Pick<DynamoFaults, 'stallLockOf'>,
  share: number,
  random: () => number,
  records: readonly Pick<SQSRecord, 'messageId' | 'body' | 'messageAttributes'>[],
  killedBefore: ReadonlySet<string> = new Set(),
): (() => void) | undefined => {
  if (records.some((record) => killedBefore.has(record.messageId))) return undefined;
  if (random() >= share) return undefined;
  const ids = new Set(records.flatMap((record) => lockIdOf(record) ?? []));
  return ids.size > 0 ? dynamo.stallLockOf(ids) : undefined;
};

/** The dedupe record id the consumer locks for `record` (as it reads it), or none for one it rejects. */
const lockIdOf = (record: Pick<SQSRecord, 'body' | 'messageAttributes'>): string | undefined => {
  const read = readEnvelope(record, { sourceStoreOf: () => undefined });
  return read.ok ? recordIdOf(eventKeyOf(read.envelope.payload, read.envelope.storeHash)) : undefined;
};

/** serverless offline's answer for an invocation it ended at the function's timeout (and the Lambda API's). */
const TIMED_OUT = 'Lambda timeout';

/** Counts the invocations the event source mapping saw end without an answer, and the records they held. */
export const killedInvocations = () => {
  const killed = { invocations: 0, records: new Set<string>() };
  return {
    onBatch: (report: BatchReport) => {
      if (!report.error?.includes(TIMED_OUT)) return;
      killed.invocations += 1;
      for (const record of report.records) killed.records.add(record.messageId);
    },
    killed,
  };
};

/**
 * Records a fault path left a line for: distinct SQS message ids (one record, every receive) with a line of
 * `level` whose message starts with `message`, of `among` when given.
 */
export const messagesWith = (
  log: readonly LogEntry[],
  level: string,
  message: string,
  among?: ReadonlySet<string>,
): number =>
  new Set(
    log
      .filter((e) => e.level === level && e.message?.startsWith(message))
      .flatMap((e) => (e.messageId && (!among || among.has(e.messageId)) ? [e.messageId] : [])),
  ).size;

/** The consumer's line for a record failed because the dedupe table refused before its handler ran. */
export const DEDUPE_FAILED = 'dedupe store failed; the record will be retried';
/**
 * The start of the consumer's line for a record whose handler ran and whose completion the table refused
 * until the invocation's deadline (functions/consume/dispatch.ts): acknowledged as run, not retried.
 */
export const COMPLETION_UNRECORDED = 'handler ran, its completion unrecorded: acknowledged';

/**
 * The dedupe outage's row: the table's refusals, and from the consumer's log lines the records the outage
 * failed before their handler ran (retried) and those whose handler ran with the completion unrecorded
 * (acknowledged). Whether any of them was lost or ran twice is the handlers' records' to say, not this row's.
 */
export const dedupeOutageRow = (
  outage: { seconds: number; startedAfterMs?: number; callsRefused: unknown },
  log: readonly LogEntry[],
) => ({
  ...outage,
  recordsFailed: messagesWith(log, 'ERROR', DEDUPE_FAILED),
  completionsUnrecorded: messagesWith(log, 'ERROR', COMPLETION_UNRECORDED),
});

/** A fault's row of the printed figures: `name value` pairs, a nested object's names prefixed with its own. */
export const describeFault = (row: Record<string, unknown>, prefix = ''): string =>
  Object.entries(row)
    .map(([name, value]) =>
      typeof value === 'object' && value !== null
        ? describeFault(value as Record<string, unknown>, `${prefix}${name}.`)
        : `${prefix}${name} ${String(value)}`,
    )
    .join(', ');

/** What shows that each fault asked for took its path at least once. */
const EXERCISED: Record<string, (row: Record<string, unknown>) => boolean> = {
  handlerFailures: (row) => Number(row.handlerAttemptsFailed) > 0,
  deliveryFailures: (row) => Number(row.failedAttempts) > 0,
  crashes: (row) => Number(row.invocationsKilled) > 0,
  dedupeOutage: (row) => Number(row.recordsFailed) > 0,
  // Every event dead-lettered must be in the target's DLQ with the attributes that say why.
  undeliverable: (row) =>
    Number(row.deadLetteredNotRetried) > 0 &&
    row.foundInTargetDlq === row.deadLetteredNotRetried &&
    row.withoutErrorAttributes === 0,
};

/**
 * The faults in `faults` that never happened (no invocation killed, no record failed by the outage...):
 * a soak that asked for one and did not exercise it proves nothing about it, so it fails; so does one
 * whose dead-lettered events are not all in the target's DLQ with the attributes that say why.
 */
export const faultsNotExercised = (faults: Record<string, unknown>): string[] =>
  Object.entries(faults)
    .filter(([name, row]) => {
      const exercised = EXERCISED[name];
      return exercised !== undefined && !exercised(row as Record<string, unknown>);
    })
    .map(([name]) => name);
