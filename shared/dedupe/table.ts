/**
 * The dedupe table's layout, Powertools idempotency's DynamoDB layout: partition key `id`, TTL attribute
 * `expiration` (epoch seconds), and Powertools' attribute names for the rest, so a table written by
 * Powertools' own DynamoDB persistence layer reads the same. serverless.yml declares the table
 * (`DedupeTable`); the offline stack creates the same layout in dynalite (local/dynamo.ts).
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
