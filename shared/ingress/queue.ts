import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { partition } from '@aws-sdk/core/client';
import type { IngressMessage } from '../bigcommerce/ingress-message.js';
import { INGEST_SDK_CONFIG } from './clients.js';

/**
 * A queue's URL from its account, region and name, as SQS gives it: the function needs no GetQueueUrl call
 * (and no permission for one) to start.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
 */
export const queueUrlFor = (region: string, account: string, name: string) =>
  `https://sqs.${region}.${partition(region).dnsSuffix}/${account}/${name}`;

/**
 * The ingest's SQS client: {@link INGEST_SDK_CONFIG}'s attempts and timeouts, and the configured endpoint
 * (AWS_ENDPOINT_URL_SQS, if set) rather than the queue URL's host (`useQueueUrlAsEndpoint: false`).
 */
export const ingestSqsClient = () => new SQSClient({ ...INGEST_SDK_CONFIG, useQueueUrlAsEndpoint: false });

/**
 * Sends ingress messages to one queue with SendMessage; resolves once SQS has accepted the message (the
 * SDK checks the MD5 of what SQS stored against what it sent), rejects otherwise. The client should be
 * made with `useQueueUrlAsEndpoint: false`, so its configured endpoint (AWS_ENDPOINT_URL_SQS, if set) is
 * the one called, whatever host the URL names.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export const sqsSender =
  (sqs: Pick<SQSClient, 'send'>, queueUrl: string) =>
  async (message: IngressMessage): Promise<void> => {
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, ...message }));
  };
