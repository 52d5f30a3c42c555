import type { BigCommerceClient } from '../../../shared/bigcommerce/rest/types.js';
import type {
  CatalogScope,
  PayloadScope,
  ScopeData,
  ScopePattern,
  ScopesMatching,
  ScopeWildcard,
} from '../../../shared/bigcommerce/scopes/index.js';
import type { LogSink } from '../../../shared/logger.js';

/** A validated BigCommerce webhook event of catalog scope `S`, with `data` typed for that scope. */
export interface BigCommerceEvent<S extends CatalogScope> {
  scope: PayloadScope<S>;
  store_id: string;
  data: ScopeData<S>;
  hash: string;
  created_at?: number;
  producer: string;
}

/** One event type per scope of a union (so a wildcard handler can narrow on `event.scope`). */
export type EventOf<S extends CatalogScope> = S extends CatalogScope ? BigCommerceEvent<S> : never;

/** The event a handler registered under `P` receives: its scope's event, or the union of its family's. */
export type EventFor<P extends ScopePattern> = P extends ScopeWildcard
  ? EventOf<ScopesMatching<P>>
  : P extends CatalogScope
    ? EventOf<P>
    : never;

/** The EventBridge event around a payload that came that way, without its `detail` (the payload). */
export interface EventBridgeEnvelope {
  id: string;
  source: string;
  account: string;
  region: string;
  time: string;
  resources: string[];
}

/** What a handler gets whichever transport carried the event. */
export interface HandlerContextBase {
  /**
   * Every line carries scope, store hash, hash, SQS message id, transport, and the EventBridge id or the
   * webhook id.
   */
  logger: LogSink;
  storeHash: string;
  /**
   * The event's store's API (REST, Admin GraphQL, `fetchResource(event)`), rate-limit aware; its token is
   * read on first use, so a handler that never calls it costs nothing.
   */
  bigcommerce: BigCommerceClient;
  /** The channel id of a `store/channel/{channel_id}/...` scope. */
  channelId: number | undefined;
  /** The SQS message that carried the event. */
  messageId: string;
}

/** An event BigCommerce put on the store's partner event source, queued by the EventBridge rule. */
export interface EventBridgeDelivery {
  transport: 'eventbridge';
  /** The EventBridge envelope around the payload. */
  eventBridge: EventBridgeEnvelope;
  https?: undefined;
}

/** An event BigCommerce POSTed to the ingest endpoint, signature verified, queued as it came. */
export interface HttpsDelivery {
  transport: 'https';
  /** `webhookId`: the Standard Webhooks `webhook-id`, the same on every retry of one delivery. */
  https: { webhookId: string };
  eventBridge?: undefined;
}

/**
 * What a handler gets beside the event: a logger carrying the record's keys, a BigCommerce client bound to
 * the event's store, and which transport carried the event (`transport`, narrowing to `eventBridge` or
 * `https`). Handlers rarely need the transport: the event, its validation and its dedupe are the same.
 */
export type HandlerContext = HandlerContextBase & (EventBridgeDelivery | HttpsDelivery);

/**
 * A handler module's function. Throw to fail the record: SQS retries it, then the redrive policy moves it
 * to the dead-letter queue. Return to acknowledge it.
 */
export type ScopeHandler<P extends ScopePattern> = (
  event: EventFor<P>,
  context: HandlerContext,
) => Promise<void> | void;

/** The registry: at most one handler per scope or wildcard, each typed for what it is registered under. */
export type HandlerRegistry = { [P in ScopePattern]?: ScopeHandler<P> };

/**
 * The registry of a list of scopes: a handler for each scope of `list`, typed for it, and for nothing
 * else (an object literal checked with `satisfies` refuses a key outside the list).
 */
export type RegistryOf<List extends readonly ScopePattern[]> = { [P in List[number]]: ScopeHandler<P> };
