import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The dedupe table's layout, Powertools idempotency's DynamoDB layout: partition key `id`, TTL attribute
 * `expiration` (epoch seconds), and Powertools' attribute names for the rest, so a table written by
 * Powertools' own DynamoDB persistence layer reads the same. serverless.yml declares the same table
 * (`DedupeTable`); {@link dedupeTableInput} creates it in a local DynamoDB (dynalite) for tests and the
 * offline stack.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/#dynamodb-table
 */
export const DEDUPE_ATTRIBUTES = {
  key: 'id',
  /** When a completed record is forgotten, epoch seconds; the table's TTL attribute. */
  expiry: 'expiration',
  /** When an in-progress lock lapses, epoch milliseconds: the deadline of the invocation holding it. */
  inProgressExpiry: 'in_progress_expiration',
  status: 'status',
  data: 'data',
  validation: 'validation',
  /** Not Powertools': a random id per put, so a put retried after a lost answer recognises its own item. */
  writer: 'writer',
} as const;

/** The CreateTable input for a dedupe table named `tableName`. */
export const dedupeTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: DEDUPE_ATTRIBUTES.key, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: DEDUPE_ATTRIBUTES.key, KeyType: 'HASH' }],
});
