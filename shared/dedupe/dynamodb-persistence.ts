import { randomUUID } from 'node:crypto';
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoDbError, type DynamoDbHttp } from '../aws/dynamodb-http.js';
import { DEDUPE_ATTRIBUTES as A } from './table.js';

/**
 * A Powertools idempotency persistence layer on the dedupe table, through {@link DynamoDbHttp} instead of
 * the AWS SDK client Powertools' own DynamoDB layer needs (the SDK cost ~150 ms of each cold start). It
 * writes the same items under the same conditions as that layer, so the two read each other's records:
 * - put: only when no record exists, the record's window has passed, or its in-progress lock has lapsed;
 *   otherwise the record found comes back in the error, saving a read. Each put also writes a random
 *   `writer` id (Powertools ignores it), so a put retried after a lost answer knows its own record;
 * - update: status, window end and stored result once the work is done;
 * - delete: when the work failed, so a later delivery runs it again.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/#bring-your-own-persistent-store
 */
export class DedupePersistenceLayer extends BasePersistenceLayer {
  constructor(
    private readonly dynamo: DynamoDbHttp,
    private readonly tableName: string,
  ) {
    super();
  }

  private keyOf(idempotencyKey: string): Record<string, AttributeValue> {
    return { [A.key]: { S: idempotencyKey } };
  }

  private recordOf(item: Record<string, AttributeValue>): IdempotencyRecord {
    const values = unmarshall(item);
    return new IdempotencyRecord({
      idempotencyKey: values[A.key],
      status: values[A.status],
      expiryTimestamp: values[A.expiry],
      inProgressExpiryTimestamp: values[A.inProgressExpiry],
      responseData: values[A.data],
      payloadHash: values[A.validation],
    });
  }

  private async getItem(idempotencyKey: string): Promise<Record<string, AttributeValue> | undefined> {
    const { Item } = await this.dynamo.call('GetItem', {
      TableName: this.tableName,
      Key: this.keyOf(idempotencyKey),
      ConsistentRead: true,
    });
    return Item;
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const item = await this.getItem(idempotencyKey);
    if (!item) throw new IdempotencyItemNotFoundError();
    return this.recordOf(item);
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const item: Record<string, AttributeValue> = {
      ...this.keyOf(record.idempotencyKey),
      ...marshall({ [A.expiry]: record.expiryTimestamp, [A.status]: record.getStatus() }),
    };
    if (record.inProgressExpiryTimestamp !== undefined) {
      item[A.inProgressExpiry] = { N: String(record.inProgressExpiryTimestamp) };
    }
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) {
      item[A.validation] = { S: record.payloadHash };
    }
    const writer = randomUUID();
    item[A.writer] = { S: writer };
    const now = Date.now();
    try {
      await this.dynamo.call('PutItem', {
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
        ExpressionAttributeValues: marshall({
          ':now': now / 1000,
          ':now_ms': now,
          ':inprogress': IdempotencyRecordStatus.INPROGRESS,
        }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    } catch (error) {
      if (!(error instanceof DynamoDbError) || error.code !== 'ConditionalCheckFailedException') throw error;
      // DynamoDB returns the item it found; a store that does not (dynalite) is asked for it.
      const found = error.item ?? (await this.getItem(record.idempotencyKey));
      // This put's own item: an earlier attempt was written but its answer was lost (a timeout, a reset
      // socket), and the client's retry then met it. The event is ours to run, not a copy in progress.
      if (found?.[A.writer]?.S === writer) return;
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        found && this.recordOf(found),
        { cause: error },
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const names: Record<string, string> = { '#expiry': A.expiry, '#status': A.status };
    const values: Record<string, unknown> = {
      ':expiry': record.expiryTimestamp,
      ':status': record.getStatus(),
    };
    if (record.responseData !== undefined) {
      names['#data'] = A.data;
      values[':data'] = record.responseData;
    }
    if (this.isPayloadValidationEnabled() && record.payloadHash !== undefined) {
      names['#validation'] = A.validation;
      values[':validation'] = record.payloadHash;
    }
    await this.dynamo.call('UpdateItem', {
      TableName: this.tableName,
      Key: this.keyOf(record.idempotencyKey),
      UpdateExpression: `SET ${Object.keys(names)
        .map((name) => `${name} = :${name.slice(1)}`)
        .join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values),
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.dynamo.call('DeleteItem', {
      TableName: this.tableName,
      Key: this.keyOf(record.idempotencyKey),
    });
  }
}
