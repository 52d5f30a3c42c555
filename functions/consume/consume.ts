import {
  type BigCommerceEventBridgeEvent,
  describeIssues,
  sourceStoreReader,
} from '../../shared/bigcommerce/envelope.js';
import { lazyStoreClient } from '../../shared/bigcommerce/rest/lazy.js';
import type { CallBudget, StoreClients } from '../../shared/bigcommerce/rest/types.js';
import { unconfiguredClients } from '../../shared/bigcommerce/rest/unconfigured.js';
import { type CatalogScope, resolveScope } from '../../shared/bigcommerce/scopes/index.js';
import {
  type Envelope,
  type EnvelopeRecord,
  readEnvelope,
} from '../../shared/bigcommerce/transport-envelope.js';
import { dataValidatorOf } from '../../shared/bigcommerce/validate.js';
import { DEFAULT_EVENT_SOURCE_NAME_PREFIX } from '../../shared/config.js';
import { type Dedupe, eventKeyOf } from '../../shared/dedupe/port.js';
import { RecordRejectedError } from '../../shared/errors.js';
import type { KeyedLogger, LogSink } from '../../shared/logger.js';
import type { OutcomeTally } from '../../shared/metrics.js';
import { dispatchOnce } from './dispatch.js';
import type {
  BigCommerceEvent,
  EventBridgeEnvelope,
  HandlerContext,
  HandlerRegistry,
} from './handlers/types.js';
import { createRouter } from './router.js';

/**
 * The part of an SQS record the consumer reads: its body, and its message attributes, which say whether
 * the ingress queued it (`transport: https`) or an EventBridge rule did (none).
 */
export interface QueueRecord extends EnvelopeRecord {
  messageId: string;
}

/** What happened to a record that did not fail. */
export type ProcessedRecord =
  | { status: 'handled' | 'duplicate'; scope: CatalogScope; pattern: string }
  | { status: 'ignored'; reason: 'unknown-scope' | 'no-handler'; scope: string };

export interface ConsumeDeps {
  handlers: HandlerRegistry;
  logger: KeyedLogger;
  /** Lets each event (its store, scope, created_at, hash and data) reach its handler once per window. */
  dedupe: Dedupe;
  /**
   * EVENT_SOURCE_NAME_PREFIX: a source named `<prefix>-<storeHash>` carries only that store's events
   * (default `bigcommerce-webhooks`).
   */
  eventSourceNamePrefix?: string;
  /** Each store's BigCommerce client, handed to handlers as `context.bigcommerce` when they first read it. */
  bigcommerce?: StoreClients;
  /** A monotonic clock in milliseconds, for handler durations (default `performance.now`). */
  now?: () => number;
}

/**
 * Builds the function that processes one SQS record: body -> envelope (an EventBridge event, or the
 * ingress's payload with its attributes: shared/bigcommerce/transport-envelope.ts) -> BigCommerce payload
 * -> the scope's schema -> its handler, the same path for both transports after the envelope. It throws to
 * fail the record (malformed, not a BigCommerce event, payload naming another store than its event source's
 * name or its ingress URL does, schema violation, handler error), each
 * time after one error line saying why; it resolves to acknowledge it, with one warning when the scope is
 * unknown or has no handler, so new BigCommerce scopes never jam the queue. A copy of an event already
 * handled within the dedupe window is acknowledged without calling its handler (`duplicate event skipped`).
 * `budget` bounds the calls its handler makes through `context.bigcommerce` (the invocation's deadline);
 * `tally`, when given, counts the record's outcome under its scope family (shared/metrics.ts).
 */
export const createRecordProcessor = ({
  handlers,
  logger,
  dedupe,
  eventSourceNamePrefix = DEFAULT_EVENT_SOURCE_NAME_PREFIX,
  bigcommerce = unconfiguredClients,
  now = () => performance.now(),
}: ConsumeDeps) => {
  const route = createRouter(handlers);
  const sourceStoreOf = sourceStoreReader(eventSourceNamePrefix);

  return async (
    record: QueueRecord,
    budget: CallBudget = {},
    tally?: OutcomeTally,
  ): Promise<ProcessedRecord> => {
    const read = readEnvelope(record, { sourceStoreOf });
    if (!read.ok) {
      // A record read far enough to know its event (a producer mismatch) logs with the event's keys.
      const known = read.envelope;
      tally?.count(known?.payload.scope, 'rejected');
      return reject(
        known ? new RecordLogger(logger, known, record.messageId) : logger,
        record,
        new RecordRejectedError(read.reason, read.detail),
      );
    }

    // From here on, one path for both transports: the payload, its store, and where it came from.
    const envelope = read.envelope;
    const { payload, storeHash } = envelope;
    const recordLogger = new RecordLogger(logger, envelope, record.messageId);

    const resolved = resolveScope(payload.scope);
    if (!resolved) {
      tally?.count(payload.scope, 'unknownScope');
      recordLogger.warn('acknowledged an event whose scope is not in the catalog');
      return { status: 'ignored', reason: 'unknown-scope', scope: payload.scope };
    }
    const target = route(resolved.scope);
    if (!target) {
      tally?.count(payload.scope, 'noHandler');
      recordLogger.warn('acknowledged an event whose scope has no handler');
      return { status: 'ignored', reason: 'no-handler', scope: payload.scope };
    }

    const data = dataValidatorOf(resolved.scope).safeParse(payload.data);
    if (!data.success) {
      tally?.count(payload.scope, 'rejected');
      return reject(
        recordLogger,
        record,
        new RecordRejectedError('schema-violation', describeIssues(data.error)),
      );
    }
    // Keyed on the data as received, before the validated copy replaces it: fields outside the schema count.
    const key = eventKeyOf(payload, storeHash);
    // The validator's output is a fresh copy nothing else holds: give it the validated data in place.
    payload.data = data.data;

    // Made on the handler's first call: most handlers never fetch.
    const client = lazyStoreClient(bigcommerce, storeHash, budget, recordLogger);
    // Two literals rather than a shared one spread: a literal of known shape is the cheap one per record.
    const context: HandlerContext =
      envelope.transport === 'eventbridge'
        ? {
            logger: recordLogger,
            storeHash,
            bigcommerce: client,
            channelId: resolved.channelId,
            messageId: record.messageId,
            transport: 'eventbridge',
            eventBridge: envelopeOf(envelope.event),
          }
        : {
            logger: recordLogger,
            storeHash,
            bigcommerce: client,
            channelId: resolved.channelId,
            messageId: record.messageId,
            transport: 'https',
            https: { webhookId: envelope.webhookId },
          };
    const status = await dispatchOnce(
      {
        route: target,
        event: payload as BigCommerceEvent<CatalogScope>,
        context,
        key,
        delivery:
          envelope.transport === 'eventbridge'
            ? { messageId: record.messageId, eventBridgeId: envelope.event.id }
            : { messageId: record.messageId, webhookId: envelope.webhookId },
      },
      dedupe,
      () => recordLogger,
      { tally, now },
    );
    return {
      status: status === 'ran' ? 'handled' : 'duplicate',
      scope: resolved.scope,
      pattern: target.pattern,
    };
  };
};

/**
 * The envelope without its detail (what a rest spread gave before), written out: a literal of known shape
 * is several times cheaper per record than `const { detail, ...rest } = event`.
 */
const envelopeOf = (event: BigCommerceEventBridgeEvent): EventBridgeEnvelope => {
  const envelope = {
    version: event.version,
    id: event.id,
    'detail-type': event['detail-type'],
    source: event.source,
    account: event.account,
    time: event.time,
    region: event.region,
    resources: event.resources,
  };
  return envelope;
};

/**
 * A record's log sink: a child of the consumer's logger carrying scope, store hash, hash, SQS message id,
 * transport and the EventBridge id or the webhook id, made on the first line only, since most records log
 * nothing and a Powertools child costs more than the rest of a record's work.
 */
class RecordLogger implements LogSink {
  #child: LogSink | undefined;

  constructor(
    private readonly parent: KeyedLogger,
    private readonly envelope: Envelope,
    private readonly messageId: string,
  ) {}

  #sink(): LogSink {
    if (this.#child) return this.#child;
    const { envelope } = this;
    this.#child = this.parent.child(
      envelope.transport === 'eventbridge'
        ? {
            scope: envelope.payload.scope,
            storeHash: envelope.storeHash,
            hash: envelope.payload.hash,
            messageId: this.messageId,
            transport: envelope.transport,
            eventBridgeId: envelope.event.id,
          }
        : {
            scope: envelope.payload.scope,
            storeHash: envelope.storeHash,
            hash: envelope.payload.hash,
            messageId: this.messageId,
            transport: envelope.transport,
            webhookId: envelope.webhookId,
          },
    );
    return this.#child;
  }

  debug(message: string, ...extra: Record<string, unknown>[]) {
    this.#sink().debug(message, ...extra);
  }
  info(message: string, ...extra: Record<string, unknown>[]) {
    this.#sink().info(message, ...extra);
  }
  warn(message: string, ...extra: Record<string, unknown>[]) {
    this.#sink().warn(message, ...extra);
  }
  error(message: string, ...extra: Record<string, unknown>[]) {
    this.#sink().error(message, ...extra);
  }
}

const reject = (log: LogSink, record: QueueRecord, error: RecordRejectedError): never => {
  log.error('record rejected; it will be retried, then moved to the dead-letter queue', {
    messageId: record.messageId,
    reason: error.reason,
    detail: error.detail,
  });
  throw error;
};
