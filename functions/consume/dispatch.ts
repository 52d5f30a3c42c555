import type { CatalogScope } from '../../shared/bigcommerce/scopes/index.js';
import {
  type Dedupe,
  type DedupeOutcome,
  type Delivery,
  EventInProgressError,
  type EventKey,
} from '../../shared/dedupe/port.js';
import type { LogSink } from '../../shared/logger.js';
import type { OutcomeTally } from '../../shared/metrics.js';
import type { BigCommerceEvent, HandlerContext } from './handlers/types.js';
import type { Route } from './router.js';

/** One validated event on its way to its handler. */
export interface Dispatch {
  route: Route;
  event: BigCommerceEvent<CatalogScope>;
  context: HandlerContext;
  key: EventKey;
  delivery: Delivery;
}

/** Where a dispatch counts its outcome and its handler's duration, and the monotonic clock (ms) it times with. */
export interface DispatchMetrics {
  tally: OutcomeTally | undefined;
  now: () => number;
}

/**
 * Calls the event's handler through the dedupe port and says whether it ran or was a duplicate. It throws
 * to fail the record when the handler throws, when another invocation holds the same event, or when the
 * dedupe store fails before the handler ran, each time after one line saying which, and counts which of
 * these it was. A handler that ran but whose completion the store would not record is reported as ran,
 * with one error line and its own count: failing its record would guarantee a second run.
 */
export const dispatchOnce = async (
  { route, event, context, key, delivery }: Dispatch,
  dedupe: Dedupe,
  log: () => LogSink,
  { tally, now }: DispatchMetrics,
): Promise<'ran' | 'duplicate'> => {
  // A flag, not the error's identity: a handler may throw `undefined`, and the dedupe port may wrap what
  // it threw (Powertools wraps every non-Error) before it reaches the catch below.
  let handlerFailed = false;
  let handlerMs: number | undefined;
  const handle = async () => {
    const started = now();
    try {
      await route.handle(event, context);
    } catch (error) {
      handlerFailed = true;
      log().error('handler failed; the record will be retried', {
        handler: route.pattern,
        error: error instanceof Error ? error : { name: 'NonErrorThrown', message: describeThrown(error) },
      });
      throw error;
    } finally {
      handlerMs = now() - started;
    }
  };
  // The outcome is handled after the try: a log line that throws there must not count the record again
  // as deferred, nor be reported as the store's failure.
  let outcome: DedupeOutcome;
  try {
    outcome = await dedupe.once(key, delivery, handle);
  } catch (error) {
    // When the handler did not throw, the table failed before the handler ran or another invocation
    // holds the event: the record is deferred to a later delivery.
    tally?.count(event.scope, handlerFailed ? 'handlerFailed' : 'deferred', handlerMs);
    if (error instanceof EventInProgressError) {
      log().warn('duplicate event in progress in another invocation; the record will be retried');
    } else if (!handlerFailed) {
      log().error('dedupe store failed; the record will be retried', { error });
    }
    throw error;
  }
  if (outcome.status === 'ranUnrecorded') {
    tally?.count(event.scope, 'completionUnrecorded', handlerMs);
    log().error(
      "handler ran, its completion unrecorded: acknowledged; a copy arriving after its lock lapses (this invocation's deadline) would run again",
      { error: outcome.error },
    );
    return 'ran';
  }
  tally?.count(event.scope, outcome.status === 'ran' ? 'handled' : 'duplicate', handlerMs);
  if (outcome.status === 'duplicate') {
    log().info('duplicate event skipped', {
      firstMessageId: outcome.first?.messageId,
      firstEventBridgeId: outcome.first?.eventBridgeId,
      firstWebhookId: outcome.first?.webhookId,
    });
  }
  return outcome.status;
};

/** A thrown value that is not an Error, as a log line can show it (`undefined` and objects included). */
const describeThrown = (value: unknown): string => {
  if (typeof value === 'string') return value;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `${typeof value}: ${text.slice(0, 500)}`;
};
