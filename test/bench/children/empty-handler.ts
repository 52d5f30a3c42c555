import type { SQSBatchResponse } from 'aws-lambda';

/** The smallest SQS handler: what a cold start costs before any of the consumer's own code. */
export const handler = async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [] });
