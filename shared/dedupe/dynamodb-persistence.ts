import { randomUUID } from 'node:crypto';
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { type CompletionRetryOptions, writeCompletion } from './completion.js';
import { DEDUPE_ATTRIBUTES as A } from './table.js';

/** The JSON values Powertools hashes and stores (its commons' JSONValue, not a dependency of ours). */
type JSONValue = Parameters<BasePersistenceLayer['saveSuccess']>[0];

import type { DedupeTableClient, Item } from './table-client.js';

/** DynamoDB's answer to a failed condition, as aws-lite rejects with it; `Item` is in DynamoDB JSON. */
const conditionFailure = (error: unknown): { Item?: Record<string, { S?: string }> } | undefined =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException'
    ? (error as { Item?: Record<string, { S?: string }> })
    : undefined;

/**
 * A Powertools idempotency persistence layer on the dedupe table through aws-lite (see
 * {@link DedupeTableClient}): Powertools' own DynamoDB layer needs the AWS SDK, whose load made the
 * consumer's first invocation ~40 ms slower. It writes the same items under the same conditions as that
 * layer, so the two read each other's records:
 * - put: only when no record exists, the record's window has passed, or its in-progress lock has lapsed.
 *   Each put also writes a random `writer` id (Powertools ignores it): when the client retried a put whose
 *   answer was lost (a reset socket), the item the retry meets is recognised as this put's own;
 * - update: status, window end and stored result once the work is done, retried on transient failures
 *   for as long as the invocation has time left ({@link writeCompletion}): the work has run by then, and a
 *   completion left unwritten lets a later delivery run it again once the lock lapses. The put is not
 *   retried beyond the client's own retries: it fails before the work runs, and SQS retries the record;
 * - delete: when the work failed, so a later delivery runs it again.
 * When a failed condition carries no item, Powertools reads the record itself (`getRecord`).
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/#bring-your-own-persistent-store
 */
export class DedupePersistenceLayer extends BasePersistenceLayer {
  /**
   * `remainingMs` is the invocation's time left (ms), `undefined` when no Lambda context is known; it and
   * `completionRetry` bound the completion write's retries.
   */
  constructor(
    private readonly table: () => Promise<DedupeTableClient>,
    private readonly tableName: string,
    private readonly remainingMs: () => number | undefined = () => undefined,
    private readonly completionRetry: CompletionRetryOptions = {},
  ) {
    super();
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const { Item } = await (await this.table()).GetItem({
      TableName: this.tableName,
      Key: { [A.key]: idempotencyKey },
      ConsistentRead: true,
    });
    if (!Item) throw new IdempotencyItemNotFoundError();
    return new IdempotencyRecord({
      idempotencyKey: Item[A.key] as string,
      status: Item[A.status] as IdempotencyRecord['status'],
      expiryTimestamp: Item[A.expiry] as number | undefined,
      inProgressExpiryTimestamp: Item[A.inProgressExpiry] as number | undefined,
      responseData: Item[A.data] as IdempotencyRecord['responseData'],
      payloadHash: Item[A.validation] as string | undefined,
    });
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const writer = randomUUID();
    const item: Item = {
      [A.key]: record.idempotencyKey,
      [A.expiry]: record.expiryTimestamp,
      [A.status]: record.getStatus(),
      [A.writer]: writer,
    };
    if (record.inProgressExpiryTimestamp !== undefined)
      item[A.inProgressExpiry] = record.inProgressExpiryTimestamp;
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) {
      item[A.validation] = record.payloadHash;
    }
    const now = Date.now();
    try {
      await (await this.table()).PutItem({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: [
          'attribute_not_exists(#id)',
          '#expiry < :now',
          '(#status = :inprogress AND attribute_exists(#lock) AND #lock < :now_ms)',
        ].join(' OR '),
        ExpressionAttributeNames: {
          '#id': A.key,
          '#expiry': A.expiry,
          '#status': A.status,
          '#lock': A.inProgressExpiry,
        },
        ExpressionAttributeValues: {
          ':now': now / 1000,
          ':now_ms': now,
          ':inprogress': IdempotencyRecordStatus.INPROGRESS,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    } catch (error) {
      const failed = conditionFailure(error);
      if (!failed) throw error;
      // This put's own item: an earlier attempt was written but its answer was lost, and the client's
      // retry then met it. The event is ours to run, not a copy in progress elsewhere.
      if (failed.Item?.[A.writer]?.S === writer) return;
      // The record is left for Powertools to read (it does when the error carries none): one read, only
      // on a duplicate, instead of converting DynamoDB JSON here.
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        undefined,
        { cause: error },
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const update = this.completionOf(record);
    // Powertools updates only to mark work done (saveSuccess): the same write again is harmless.
    await writeCompletion(
      async () => (await this.table()).UpdateItem(update),
      this.remainingMs,
      this.completionRetry,
    );
  }

  /** The id of `data`'s record (Powertools' hashed idempotency key, prefix included). */
  idOf(data: unknown): string {
    return this.getHashedIdempotencyKey(data as JSONValue);
  }

  /**
   * Marks the record `idempotencyKey` ({@link idOf}) completed with `result` (what Powertools' saveSuccess
   * writes) until `untilMs` (epoch ms: the window counted from the run, not from this write), in one call
   * with the client's own retries only: for work that ran earlier and whose completion went unrecorded.
   */
  async saveLateSuccess(idempotencyKey: string, result: unknown, untilMs: number): Promise<void> {
    const record = new IdempotencyRecord({
      idempotencyKey,
      status: IdempotencyRecordStatus.COMPLETED,
      expiryTimestamp: Math.round(untilMs / 1000),
      responseData: result as IdempotencyRecord['responseData'],
    });
    await (await this.table()).UpdateItem(this.completionOf(record));
  }

  private completionOf(record: IdempotencyRecord) {
    const names: Record<string, string> = { '#expiry': A.expiry, '#status': A.status };
    const values: Item = { ':expiry': record.expiryTimestamp, ':status': record.getStatus() };
    if (record.responseData !== undefined) {
      names['#data'] = A.data;
      values[':data'] = record.responseData;
    }
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) {
      names['#validation'] = A.validation;
      values[':validation'] = record.payloadHash;
    }
    return {
      TableName: this.tableName,
      Key: { [A.key]: record.idempotencyKey },
      UpdateExpression: `SET ${Object.keys(names)
        .map((name) => `${name} = :${name.slice(1)}`)
        .join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await (await this.table()).DeleteItem({
      TableName: this.tableName,
      Key: { [A.key]: record.idempotencyKey },
    });
  }
}
