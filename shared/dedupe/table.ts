import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The dedupe table's layout, as Powertools idempotency's DynamoDB persistence layer writes it: partition
 * key `id`, TTL attribute `expiration` (epoch seconds). serverless.yml declares the same table
 * (`DedupeTable`); this input creates it in a local DynamoDB (dynalite) for tests and the offline stack.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/#dynamodb-table
 */
export const DEDUPE_KEY_ATTRIBUTE = 'id';
export const DEDUPE_TTL_ATTRIBUTE = 'expiration';

/** The CreateTable input for a dedupe table named `tableName`. */
export const dedupeTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: DEDUPE_KEY_ATTRIBUTE, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: DEDUPE_KEY_ATTRIBUTE, KeyType: 'HASH' }],
});
