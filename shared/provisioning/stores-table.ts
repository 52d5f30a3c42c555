import { randomUUID } from 'node:crypto';
import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { classifyAwsError, isAwsError } from '../aws/errors.js';
import { MAX_RETRY_AFTER_MS, OperationInProgressError, type StoreLeases } from './lease.js';

/**
 * The stores table: one item per store, keyed by its hash, holding the store's operation lease (here) and
 * its registry entry, the desired state and last result (registry.ts). serverless.yml declares it
 * (`StoresTable`).
 */
export const STORES_ATTRIBUTES = {
  key: 'storeHash',
  owner: 'leaseOwner',
  expiresAt: 'leaseExpiresAt',
} as const;

const A = STORES_ATTRIBUTES;

/**
 * {@link StoreLeases} on the stores table: a conditional UpdateItem takes the lease when no run holds it or
 * its holder's expiry (epoch ms) has passed; release removes it only if this run still holds it. Each
 * acquire writes a random owner id, so an SDK retry of a write whose answer was lost finds its own lease
 * instead of refusing itself.
 * IAM: dynamodb:UpdateItem, dynamodb:GetItem on the stores table.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export const dynamoStoreLeases = (
  client: DynamoDBClient,
  tableName: string,
  now: () => number = Date.now,
): StoreLeases => {
  // Plain AttributeValues, not lib-dynamodb: three attributes do not pay for its ~130 KB in the bundle.
  const keyOf = (storeHash: string) => ({ [A.key]: { S: storeHash } });
  const holderOf = async (storeHash: string, error: unknown) => {
    type Item = Record<string, { S?: string; N?: string }>;
    const item =
      (error as { Item?: Item }).Item ??
      ((
        await client.send(
          new GetItemCommand({ TableName: tableName, Key: keyOf(storeHash), ConsistentRead: true }),
        )
      ).Item as Item | undefined);
    return { owner: item?.[A.owner]?.S, expiresAt: Number(item?.[A.expiresAt]?.N ?? 0) };
  };
  return {
    async acquire(storeHash, expiresAt) {
      const me = randomUUID();
      const at = now();
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(storeHash),
            UpdateExpression: 'SET #owner = :me, #expires = :expires',
            ConditionExpression: 'attribute_not_exists(#owner) OR #expires < :now',
            ExpressionAttributeNames: { '#owner': A.owner, '#expires': A.expiresAt },
            ExpressionAttributeValues: {
              ':me': { S: me },
              ':expires': { N: String(expiresAt) },
              ':now': { N: String(at) },
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        if (!isAwsError(error, 'ConditionalCheckFailedException'))
          throw classifyAwsError(error, 'UpdateItem');
        const holder = await holderOf(storeHash, error);
        if (holder.owner !== me) {
          const wait = Math.min(Math.max(holder.expiresAt - at, 1_000), MAX_RETRY_AFTER_MS);
          throw new OperationInProgressError(storeHash, wait);
        }
      }
      return {
        async release() {
          try {
            await client.send(
              new UpdateItemCommand({
                TableName: tableName,
                Key: keyOf(storeHash),
                UpdateExpression: 'REMOVE #owner, #expires',
                ConditionExpression: '#owner = :me',
                ExpressionAttributeNames: { '#owner': A.owner, '#expires': A.expiresAt },
                ExpressionAttributeValues: { ':me': { S: me } },
              }),
            );
          } catch (error) {
            // Expired and taken by another run: it is theirs now.
            if (isAwsError(error, 'ConditionalCheckFailedException')) return;
            throw classifyAwsError(error, 'UpdateItem');
          }
        },
      };
    },
  };
};
