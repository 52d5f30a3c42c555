import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { StoreClients } from '../../shared/bigcommerce/rest/types.js';
import type { Dedupe } from '../../shared/dedupe/port.js';
import { type KeyedLogger, keyed, logger } from '../../shared/logger.js';
import { type ConsumerMetrics, createConsumerMetrics, OutcomeTally } from '../../shared/metrics.js';
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
  /** Where each invocation's outcome counts go (default: EMF lines on stdout, shared/metrics.ts). */
  metrics?: ConsumerMetrics;
  /** A monotonic clock in milliseconds, for handler durations (default `performance.now`). */
  now?: () => number;
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
  metrics = createConsumerMetrics(),
  now,
}: ConsumeHandlerDeps) => {
  const processRecord = createRecordProcessor({
    handlers,
    logger: recordLogger,
    dedupe,
    eventSourceNamePrefix,
    bigcommerce,
    now,
  });
  // Not middy with Powertools' injectLambdaContext middleware (as provision and reconcile are): making the
  // same Powertools logger calls here gave the consumer 1.066x the records/s it had through middy at
  // batch 10 (1.016x at 100), measured interleaved in one process. middy gave this adapter nothing else:
  // no early timeout, which would only turn Lambda's own timeout into a thrown error 5 ms sooner, at the
  // price of a timer and an AbortController per invocation.
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // What injectLambdaContext(logger, { resetKeys: true }) does around the handler, in its order.
    logger.refreshSampleRateCalculation();
    logger.addContext(context);
    logger.logEventIfEnabled(event);
    const tally = new OutcomeTally();
    try {
      dedupe.useLambdaContext?.(context);
      // The handlers' BigCommerce calls (and their rate-limit waits) end before Lambda would cut them off:
      // a record out of time fails, and is retried, rather than half-done.
      const budget =
        typeof context.getRemainingTimeInMillis === 'function'
          ? { deadline: Date.now() + context.getRemainingTimeInMillis() }
          : {};
      return await processBatch(event.Records, (record) => processRecord(record, budget, tally), concurrency);
    } finally {
      // Once per invocation, also when it is cut short by an error: what was counted is published.
      metrics.publish(tally);
      // Keys a handler appended to the service's logger end with the invocation that appended them.
      logger.resetKeys();
      logger.clearBuffer();
    }
  };
};
