import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { StoreClients } from '../../shared/bigcommerce/rest/types.js';
import type { Dedupe } from '../../shared/dedupe/port.js';
import { type KeyedLogger, keyed, logger } from '../../shared/logger.js';
import { processBatch } from './batch.js';
import { createRecordProcessor } from './consume.js';
import type { HandlerRegistry } from './handlers/types.js';

export interface ConsumeHandlerDeps {
  handlers: HandlerRegistry;
  /** The dedupe port; one that wants each invocation's context (for its deadline) gets it first. */
  dedupe: Dedupe & { useLambdaContext?(context: Context): void };
  /** How many records of a batch are processed at once (default 10). */
  concurrency?: number;
  /** EVENT_SOURCE_NAME_PREFIX, to read a default event source name's store (see createRecordProcessor). */
  eventSourceNamePrefix?: string;
  /** Each store's BigCommerce client (`context.bigcommerce`); without it, a handler's first call fails its record. */
  bigcommerce?: StoreClients;
  /** Where records' lines go (default: the service's Powertools logger, which also gets the Lambda context). */
  recordLogger?: KeyedLogger;
}

/**
 * Builds the SQS -> consume Lambda handler. Records are processed independently; the response names
 * exactly the failed ones (`ReportBatchItemFailures`), also when every record failed, so nothing is
 * acknowledged by mistake.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export const createConsumeHandler = ({
  handlers,
  dedupe,
  concurrency = 10,
  eventSourceNamePrefix,
  bigcommerce,
  recordLogger = keyed(logger),
}: ConsumeHandlerDeps) => {
  const processRecord = createRecordProcessor({
    handlers,
    logger: recordLogger,
    dedupe,
    eventSourceNamePrefix,
    bigcommerce,
  });
  // No middy early timeout: it would only turn Lambda's own timeout into a thrown error 5 ms sooner (the
  // whole batch is retried either way, and a record's dedupe lock lapses with the invocation's deadline),
  // at the price of a timer and an AbortController per invocation.
  return middy(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
      dedupe.useLambdaContext?.(context);
      // The handlers' BigCommerce calls (and their rate-limit waits) end before Lambda would cut them off:
      // a record out of time fails, and is retried, rather than half-done.
      const budget =
        typeof context.getRemainingTimeInMillis === 'function'
          ? { deadline: Date.now() + context.getRemainingTimeInMillis() }
          : {};
      return processBatch(event.Records, (record) => processRecord(record, budget), concurrency);
    },
    { timeoutEarlyInMillis: 0 },
  ).use(injectLambdaContext(logger, { resetKeys: true }));
};
