import { GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The service name of serverless.yml, the first part of its queue names. */
export const SERVICE_NAME = 'bigcommerce-webhooks';

/** The queue and DLQ names serverless.yml gives a stage: `bigcommerce-webhooks-<stage>-events[-dlq]`. */
export const queueNamesOf = (stage: string, service = SERVICE_NAME) => ({
  queue: `${service}-${stage}-events`,
  deadLetterQueue: `${service}-${stage}-events-dlq`,
});

/**
 * The URL of a queue given by URL or by name (looked up in the client's account and region).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html
 */
export const queueUrlOf = async (sqs: SQSClient, nameOrUrl: string): Promise<string> => {
  if (/^https?:\/\//.test(nameOrUrl)) return nameOrUrl;
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: nameOrUrl }));
  if (!QueueUrl) throw new Error(`no URL for queue ${nameOrUrl}`);
  return QueueUrl;
};
