import awsLite from '@aws-lite/client';
import dynamodbPlugin from '@aws-lite/dynamodb';

/** An item as aws-lite hands it over and takes it: plain values, marshalled to DynamoDB JSON by the client. */
export type Item = Record<string, unknown>;

/**
 * The four item calls the dedupe persistence layer makes, as `@aws-lite/dynamodb` exposes them: inputs
 * and outputs follow the DynamoDB API, with `Item`, `Key` and `ExpressionAttributeValues` as plain values.
 * A failed call rejects with an Error whose `name` is DynamoDB's error type; for
 * `ConditionalCheckFailedException` with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, its `Item` is the
 * item found, still in DynamoDB JSON (aws-lite unmarshals answers, not errors).
 * @see https://aws-lite.org/services/dynamodb
 */
export interface DedupeTableClient {
  GetItem(input: { TableName: string; Key: Item; ConsistentRead?: boolean }): Promise<{ Item?: Item }>;
  PutItem(input: {
    TableName: string;
    Item: Item;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Item;
    ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
  }): Promise<unknown>;
  UpdateItem(input: {
    TableName: string;
    Key: Item;
    UpdateExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Item;
  }): Promise<unknown>;
  DeleteItem(input: { TableName: string; Key: Item }): Promise<unknown>;
}

/** Where the dedupe table is, when not the region's public endpoint aws-lite resolves itself. */
export interface DedupeTableClientOptions {
  /**
   * AWS_ENDPOINT_URL_DYNAMODB, which aws-lite does not read (it reads the general AWS_ENDPOINT_URL and a
   * profile's `endpoint_url`): passed on so that the one variable the AWS SDK honours serves this client too.
   */
  endpoint?: string | undefined;
  /**
   * aws-lite's retries of a failed request (default 5, with its own jittered backoff on real timers). The
   * completion write retries on top of them until the invocation's deadline (see completion.ts); a test
   * that drives those retries on a fake clock sets 0, so every refusal reaches them.
   */
  retries?: number;
}

/**
 * The dedupe table's client: aws-lite with its DynamoDB plugin, chosen over the AWS SDK because the consumer's
 * first invocation was ~40 ms faster with it (see README, performance). Credentials and region come from
 * aws-lite's own chain (config, environment, SSO, `~/.aws` profiles with AWS_PROFILE, process, ECS/EC2
 * metadata); retries are aws-lite's (throttling, 5xx, reset or refused connections, up to 5 retries with
 * jittered backoff). What aws-lite 0.23 (the line that runs on Node 20) does not do, and the README says:
 * it has no request timeout (a stalled call ends with the function's timeout, and SQS delivers the batch
 * again), it refuses a region missing from its own list (ca-west-1, mx-central-1 and other recent ones:
 * "Invalid region specified") unless an endpoint is set, and it reads no FIPS or dual-stack switch (the
 * configuration refuses them). Made on the first call, so a missing credential fails that call, with its
 * message, instead of an unhandled rejection at start; a failed setup is tried again by the next call.
 * @see https://aws-lite.org/configuration
 */
export const createDedupeTableClient = (
  options: DedupeTableClientOptions = {},
): (() => Promise<DedupeTableClient>) => {
  let client: Promise<DedupeTableClient> | undefined;
  return () => {
    client ??= awsLite({
      plugins: [dynamodbPlugin],
      // Profiles in ~/.aws/config (SSO, region, endpoint_url) as the AWS SDK reads them; never read in Lambda.
      awsConfigFile: true,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.retries !== undefined && { retries: options.retries }),
    })
      .then((lite) => (lite as unknown as { DynamoDB: DedupeTableClient }).DynamoDB)
      .catch((error: unknown) => {
        // Not kept: a failure to set up (credentials not reachable yet) fails this call, and the next tries again.
        client = undefined;
        throw error;
      });
    return client;
  };
};
