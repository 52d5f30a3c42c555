/**
 * Names and addresses of the offline stack. Queue names follow serverless.yml
 * (`${service}-${stage}-events` and `-dlq`) so the same code finds them locally and in AWS.
 */
export const SERVICE = 'bigcommerce-webhooks';
export const STAGE = 'dev';
export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';
export const HOST = '127.0.0.1';

export const QUEUE_NAME = `${SERVICE}-${STAGE}-events`;
export const DLQ_NAME = `${SERVICE}-${STAGE}-events-dlq`;
export const CONSUME_FUNCTION = `${SERVICE}-${STAGE}-consume`;

/** The redrive policy of serverless.yml's queue. */
export const MAX_RECEIVE_COUNT = 5;

export const PORTS = { sqs: 9324, eventBridge: 4010, sandbox: 4000, http: 3000, lambda: 3002 } as const;

export const sqsArn = (queueName: string, account = ACCOUNT_ID, region = REGION) =>
  `arn:aws:sqs:${region}:${account}:${queueName}`;
