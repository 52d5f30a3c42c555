import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../../local/eventbridge/delivery.js';
import type { DeliveryFault } from '../../../local/eventbridge/faults.js';
import {
  armCrash,
  armUndeliverable,
  dedupeOutageRow,
  describeFault,
  faultsNotExercised,
  killedInvocations,
  undeliverableRow,
} from '../../../local/soak/faults.js';
import { readEnvelope } from '../../../shared/bigcommerce/transport-envelope.js';
import { recordIdOf } from '../../../shared/dedupe/idempotency.js';
import { eventKeyOf } from '../../../shared/dedupe/port.js';
import { rawRecord, recordFor } from '../../helpers/records.js';

/** A valid EventBridge record of the sandbox store, with `messageId`. */
const record = (messageId: string) => ({ ...recordFor('store/order/created'), messageId }) as SQSRecord;

/** A fake fault proxy keeping each stall's target ids and whether it was disarmed. */
const stallRecorder = () => {
  const stalls: { ids: string[]; disarmed: boolean }[] = [];
  return {
    stalls,
    dynamo: {
      stallLockOf: (ids: ReadonlySet<string>) => {
        const stall = { ids: [...ids], disarmed: false };
        stalls.push(stall);
        return () => {
          stall.disarmed = true;
        };
      },
    },
  };
};

describe('Soak: the crash and outage faults', () => {
  it("arms, for each invocation picked, a stall aimed at its own records' locks, and none for the others", () => {
    // Prepare
    const { stalls, dynamo } = stallRecorder();
    const draws = [0.05, 0.5, 0.19, 0.2];
    const batch = [record('m1'), record('m2')];

    // Act
    const armed = draws.map((draw) => armCrash(dynamo, 0.2, () => draw, batch));

    // Assess: the dedupe record ids the consumer locks for those two records
    expect(armed.map((disarm) => disarm !== undefined)).toEqual([true, false, true, false]);
    const ids = batch.map((one) => {
      const read = readEnvelope(one, { sourceStoreOf: () => undefined });
      if (!read.ok) throw new Error('the sample record should be an event');
      return recordIdOf(eventKeyOf(read.envelope.payload, read.envelope.storeHash));
    });
    expect(stalls.map((stall) => stall.ids)).toEqual([ids, ids]);
    armed[0]?.();
    expect(stalls.map((stall) => stall.disarmed)).toEqual([true, false]);
  });

  it('arms nothing for a batch none of whose records the consumer would lock (it rejects them first)', () => {
    // Prepare
    const { stalls, dynamo } = stallRecorder();

    // Act
    const armed = armCrash(dynamo, 1, () => 0, [
      { ...rawRecord('{"truncated":'), messageId: 'm1' } as SQSRecord,
    ]);

    // Assess
    expect(armed).toBeUndefined();
    expect(stalls).toEqual([]);
  });

  it('spares an invocation holding a record that was in a killed one, so a batch is not killed into the DLQ', () => {
    // Prepare
    const { stalls, dynamo } = stallRecorder();
    const killedBefore = new Set(['a']);

    // Act
    const again = armCrash(dynamo, 1, () => 0, [record('b'), record('a')], killedBefore);
    const fresh = armCrash(dynamo, 1, () => 0, [record('b'), record('c')], killedBefore);

    // Assess
    expect([again, fresh].map((disarm) => disarm !== undefined)).toEqual([false, true]);
    expect(stalls).toHaveLength(1);
  });

  it('counts as killed only the invocations serverless offline ended at their timeout, and their records once each', () => {
    // Prepare
    const crashes = killedInvocations();

    // Act
    crashes.onBatch({
      received: 2,
      records: [record('a'), record('b')],
      failed: ['a', 'b'],
      error: 'Error: consume failed: [504] - Lambda timeout.',
    });
    crashes.onBatch({
      received: 1,
      records: [record('a')],
      failed: ['a'],
      error: 'Error: consume failed: [504] - Lambda timeout.',
    });
    crashes.onBatch({
      received: 1,
      records: [record('c')],
      failed: ['c'],
      error: 'Error: consume failed: Cannot find module',
    });
    crashes.onBatch({ received: 1, records: [record('d')], failed: [] });

    // Assess
    expect(crashes.killed.invocations).toBe(2);
    expect([...crashes.killed.records].sort()).toEqual(['a', 'b']);
  });

  it('names each fault asked for that never took its path, so the soak fails instead of proving nothing', () => {
    // Act
    const missed = faultsNotExercised({
      crashes: { invocationsKilled: 0, crashesArmed: 3 },
      dedupeOutage: { recordsFailed: 12 },
      handlerFailures: { handlerAttemptsFailed: 0 },
      deliveryFailures: { failedAttempts: 4 },
    });

    // Assess
    expect(missed).toEqual(['crashes', 'handlerFailures']);
  });

  it('prints a fault row as name-value pairs, nested counts under their parent name', () => {
    // Act
    const line = describeFault({ seconds: 5, callsRefused: { PutItem: 3, UpdateItem: 2 }, recordsFailed: 4 });

    // Assess
    expect(line).toBe('seconds 5, callsRefused.PutItem 3, callsRefused.UpdateItem 2, recordsFailed 4');
  });

  it('counts, per record, the outage failures retried and the completions left unrecorded, from the consumer lines', () => {
    // Prepare: m1 failed twice before its handler ran, m2 ran with its completion refused, m3 logged the
    // same text as a warning (not the consumer's error line), m4 ran with no fault at all.
    const line = (messageId: string, level: string, message: string) => ({
      messageId,
      level,
      message,
      hash: `h-${messageId}`,
    });
    const log = [
      line('m1', 'ERROR', 'dedupe store failed; the record will be retried'),
      line('m1', 'ERROR', 'dedupe store failed; the record will be retried'),
      line(
        'm2',
        'ERROR',
        "handler ran, its completion unrecorded: acknowledged; a copy arriving after its lock lapses (this invocation's deadline) would run again",
      ),
      line('m3', 'WARN', 'handler ran, its completion unrecorded: acknowledged'),
      line('m4', 'INFO', 'order created'),
    ];

    // Act
    const row = dedupeOutageRow({ seconds: 2, startedAfterMs: 900, callsRefused: { PutItem: 7 } }, log);

    // Assess
    expect(row).toEqual({
      seconds: 2,
      startedAfterMs: 900,
      callsRefused: { PutItem: 7 },
      recordsFailed: 1,
      completionsUnrecorded: 1,
    });
  });

  it('arms a not-retried delivery failure for the share of events picked, and nothing for the others', () => {
    // Prepare
    const armed: DeliveryFault[] = [];
    const faults = { injectDelivery: (fault: DeliveryFault) => armed.push(fault) };
    const draws = [0.01, 0.5];

    // Act
    const picked = draws.map((draw) =>
      armUndeliverable(faults, 'arn:aws:sqs:us-east-1:1:q', 0.02, () => draw),
    );

    // Assess
    expect(picked).toEqual([true, false]);
    expect(armed).toEqual([
      expect.objectContaining({
        targetArn: 'arn:aws:sqs:us-east-1:1:q',
        times: 1,
        error: 'NO_PERMISSIONS',
        retryable: false,
      }),
    ]);
  });

  it('finds each event dead-lettered for an error not retried in the target DLQ, and names those without its attributes', () => {
    // Prepare: e1 and e2 dead-lettered for NO_PERMISSIONS, e3 after its retries ran out (another fault's)
    const record = (eventId: string, errorCode: string): DeliveryRecord => ({
      eventId,
      ruleArn: 'arn:rule',
      targetId: 'queue',
      targetArn: 'arn:q',
      outcome: 'dead-lettered',
      attempts: 1,
      errorCode,
    });
    const full = {
      RULE_ARN: 'arn:rule',
      TARGET_ARN: 'arn:q',
      ERROR_CODE: 'NO_PERMISSIONS',
      ERROR_MESSAGE: 'm',
    };

    // Act
    const row = undeliverableRow(
      0.02,
      [record('e1', 'NO_PERMISSIONS'), record('e2', 'NO_PERMISSIONS'), record('e3', 'ThrottlingException')],
      [
        { id: 'e1', attributes: full },
        { id: 'e2', attributes: { ...full, ERROR_MESSAGE: undefined } },
        { id: 'e3', attributes: {} },
        { attributes: {} },
      ],
    );

    // Assess
    expect(row).toEqual({
      share: 0.02,
      deadLetteredNotRetried: 2,
      foundInTargetDlq: 2,
      withoutErrorAttributes: 1,
    });
    expect(faultsNotExercised({ undeliverable: row })).toEqual(['undeliverable']);
    expect(faultsNotExercised({ undeliverable: { ...row, withoutErrorAttributes: 0 } })).toEqual([]);
    expect(
      faultsNotExercised({ undeliverable: { ...row, foundInTargetDlq: 1, withoutErrorAttributes: 0 } }),
    ).toEqual(['undeliverable']);
  });
});
