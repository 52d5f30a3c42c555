import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { keyed, logger } from '../../shared/logger.js';
import { createRecordProcessor } from './consume.js';
import { handlers } from './handlers/registry.js';
import type { HandlerRegistry } from './handlers/types.js';

/**
 * Builds the SQS -> consume Lambda handler. Records are processed independently; the response names
 * exactly the failed ones (`ReportBatchItemFailures`), also when every record failed, so nothing is
 * acknowledged by mistake.
 */
export const createConsumeHandler = (registry: HandlerRegistry) => {
  const processor = new BatchProcessor(EventType.SQS);
  const processRecord = createRecordProcessor({ handlers: registry, logger: keyed(logger) });
  return middy(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(event, processRecord, processor, { context, throwOnFullBatchFailure: false }),
  ).use(injectLambdaContext(logger, { resetKeys: true }));
};

export const handler = createConsumeHandler(handlers);
