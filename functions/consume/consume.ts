import { describeIssues, storeHashOf } from '../../shared/bigcommerce/envelope.js';
import { type CatalogScope, resolveScope } from '../../shared/bigcommerce/scopes/index.js';
import { dataValidatorOf, EventBridgeEventValidator } from '../../shared/bigcommerce/validate.js';
import type { Dedupe } from '../../shared/dedupe/port.js';
import { messageOf, RecordRejectedError } from '../../shared/errors.js';
import type { KeyedLogger, LogSink } from '../../shared/logger.js';
import { dispatchOnce } from './dispatch.js';
import type { BigCommerceEvent, HandlerRegistry } from './handlers/types.js';
import { createRouter } from './router.js';

/** The part of an SQS record the consumer reads. */
export interface QueueRecord {
  messageId: string;
  body: string;
}

/** What happened to a record that did not fail. */
export type RecordOutcome =
  | { status: 'handled' | 'duplicate'; scope: CatalogScope; pattern: string }
  | { status: 'ignored'; reason: 'unknown-scope' | 'no-handler'; scope: string };

export interface ConsumeDeps {
  handlers: HandlerRegistry;
  logger: KeyedLogger;
  /** Lets each event (store hash + payload hash) reach its handler once within the dedupe window. */
  dedupe: Dedupe;
}

/**
 * Builds the function that processes one SQS record: body -> EventBridge event -> BigCommerce payload ->
 * the scope's schema -> its handler. It throws to fail the record (malformed, not a BigCommerce event,
 * schema violation, handler error), each time after one error line saying why; it resolves to acknowledge
 * it, with one warning when the scope is unknown or has no handler, so new BigCommerce scopes never jam
 * the queue. A valid event whose store and hash were already handled within the dedupe window is
 * acknowledged without calling its handler (`duplicate event skipped`).
 */
export const createRecordProcessor = ({ handlers, logger, dedupe }: ConsumeDeps) => {
  const route = createRouter(handlers);

  return async (record: QueueRecord): Promise<RecordOutcome> => {
    let json: unknown;
    try {
      json = JSON.parse(record.body);
    } catch (error) {
      return reject(
        logger,
        record,
        new RecordRejectedError('malformed-json', messageOf(error), { cause: error }),
      );
    }
    const parsed = EventBridgeEventValidator.safeParse(json);
    if (!parsed.success) {
      return reject(
        logger,
        record,
        new RecordRejectedError('not-a-bigcommerce-event', describeIssues(parsed.error)),
      );
    }

    const { detail: payload, ...envelope } = parsed.data;
    const storeHash = storeHashOf(payload);
    const keys = {
      scope: payload.scope,
      storeHash,
      hash: payload.hash,
      eventBridgeId: envelope.id,
      messageId: record.messageId,
    };
    let child: LogSink | undefined;
    const recordLogger = (): LogSink => {
      child ??= logger.child(keys);
      return child;
    };

    const resolved = resolveScope(payload.scope);
    if (!resolved) {
      recordLogger().warn('acknowledged an event whose scope is not in the catalog');
      return { status: 'ignored', reason: 'unknown-scope', scope: payload.scope };
    }
    const target = route(resolved.scope);
    if (!target) {
      recordLogger().warn('acknowledged an event whose scope has no handler');
      return { status: 'ignored', reason: 'no-handler', scope: payload.scope };
    }

    const data = dataValidatorOf(resolved.scope).safeParse(payload.data);
    if (!data.success) {
      return reject(
        recordLogger(),
        record,
        new RecordRejectedError('schema-violation', describeIssues(data.error)),
      );
    }

    const status = await dispatchOnce(
      {
        route: target,
        event: { ...payload, data: data.data } as BigCommerceEvent<CatalogScope>,
        context: {
          get logger() {
            return recordLogger();
          },
          storeHash,
          channelId: resolved.channelId,
          messageId: record.messageId,
          eventBridge: envelope,
        },
        key: { storeHash, hash: payload.hash.toLowerCase() },
        delivery: { messageId: record.messageId, eventBridgeId: envelope.id },
      },
      dedupe,
      recordLogger,
    );
    return {
      status: status === 'ran' ? 'handled' : 'duplicate',
      scope: resolved.scope,
      pattern: target.pattern,
    };
  };
};

const reject = (log: LogSink, record: QueueRecord, error: RecordRejectedError): never => {
  log.error('record rejected; it will be retried, then moved to the dead-letter queue', {
    messageId: record.messageId,
    reason: error.reason,
    detail: error.detail,
  });
  throw error;
};
