import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PartnerSource } from '../aws/event-sources.js';
import type { DeliveryLink } from '../aws/vended-logs.js';
import type { StoreGraphQL } from '../bigcommerce/graphql/client.js';
import type { PreflightCache } from '../bigcommerce/graphql/preflight.js';
import type { KeyedLogger } from '../logger.js';

/** What a run did, or would do in a dry run, to one resource. */
export type Action =
  | 'created'
  | 'updated'
  | 'unchanged'
  | 'deleted'
  | 'would-create'
  | 'would-update'
  | 'would-delete';

/**
 * The steps of the chain, in order; `credentials` is reading the store's access token, `preflight` checking
 * every document against the store's Admin GraphQL schema, `ownership` proving that the source's bus and
 * rule are this store's before anything changes them.
 */
export type Step =
  | 'credentials'
  | 'preflight'
  | 'source'
  | 'ownership'
  | 'bus'
  | 'rule'
  | 'target'
  | 'logging'
  | 'webhooks';

export interface SourceEntry {
  resource: 'source';
  action: Action;
  /** The name provision asked BigCommerce for (the last segment of the full name). */
  eventSourceName: string;
  /** The full partner source name, once the source exists. */
  name?: string;
  arn?: string;
  /** PENDING, ACTIVE or DELETED, as EventBridge reports it. */
  state?: string;
  note?: string;
}

export interface BusEntry {
  resource: 'bus';
  action: Action;
  name?: string;
  arn?: string;
  /** Why teardown left it (it cannot be shown to be this store's). */
  note?: string;
}

export interface RuleEntry {
  resource: 'rule';
  action: Action;
  name: string;
  eventBusName?: string;
  arn?: string;
  note?: string;
}

export interface TargetEntry {
  resource: 'target';
  action: Action;
  id: string;
  rule: string;
  arn: string;
  deadLetterArn: string;
  note?: string;
}

/** How a store's events reach the queue: its partner event source (EventBridge), or the ingress (HTTPS). */
export type Transport = 'eventbridge' | 'https';

export interface WebhookEntry {
  resource: 'webhook';
  action: Action;
  scope: string;
  /** The webhook's kind: an EventBridge webhook to the source, or an HTTPS webhook to the ingress. */
  transport?: Transport;
  id?: string;
  active?: boolean;
  /** False for a webhook to this destination whose scope the request does not want (kept unless `prune`). */
  wanted: boolean;
  /** The webhook's status as BigCommerce reports it (`ACTIVE`, `INACTIVE`, `DEACTIVATED`, ...). */
  webhookStatus?: string;
}

/** EventBridge logging of a store's partner bus (see bus-logging.ts); `off` is the default. */
export type LogLevel = 'off' | 'error' | 'info' | 'trace';

export interface LoggingEntry {
  resource: 'logging';
  action: Action;
  /**
   * `log-config`: the bus's LogConfig (`name` the bus); `destination`: the deployment's delivery destination
   * to its log group (`name` the destination); `delivery`: one log type's delivery source on the bus and its
   * delivery to the destination (`name` the delivery source).
   */
  part: 'log-config' | 'destination' | 'delivery';
  name: string;
  level?: LogLevel;
  logType?: string;
  logGroupArn?: string;
}

/** One line of the response: one resource and what happened to it. */
export type Entry = SourceEntry | BusEntry | RuleEntry | TargetEntry | LoggingEntry | WebhookEntry;

/** What provision knows from its configuration and its own Lambda context. */
export interface ProvisionSettings {
  awsAccount: string;
  /** e.g. `us-east-1`. */
  region: string;
  clientId: string;
  /**
   * This deployment's event source name prefix (`<service>-<stage>`): the `managed-by` ownership tag, and
   * the prefix of every store's default source name (`<prefix>-<storeHash>`).
   */
  managedBy: string;
  queueArn: string;
  deadLetterQueueArn: string;
  ruleName: string;
  targetId: string;
  /** Upper bound on waiting for a new partner source to become visible. */
  sourceWaitMs: number;
  /**
   * The base URL of this deployment's HTTP API (`https://<api>.execute-api.<region>.amazonaws.com`): HTTPS
   * webhooks point at `<base>/webhooks/<storeHash>`. Without it, a store cannot use the HTTPS transport.
   */
  ingressBaseUrl?: string;
  /** When this invocation must answer (epoch ms): a run still going then stops with a resumable error. */
  deadline?: number;
}

/** The clients a run uses; tests pass fakes, the Lambda passes real ones. */
export interface ProvisionDeps {
  eventBridge: EventBridgeClient;
  /** CloudWatch Logs, for a bus's log deliveries; without it, a run that asks for logging fails at that step. */
  logs?: CloudWatchLogsClient;
  /** The store's GraphQL client; reading the token behind it is the `credentials` step. */
  graphqlFor: (storeHash: string) => Promise<StoreGraphQL>;
  /** Preflights of this warm container by store; without one, every run introspects the store again. */
  preflightCache?: PreflightCache;
  logger: KeyedLogger;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The account's BigCommerce partner sources, listed once and shared by the runs of a scheduled reconcile
   * (ListEventSources pages through every store's source, so one listing per store costs N/100 calls each);
   * a source it does not show is looked up live. Without it, each run lists them itself.
   */
  listSources?: () => Promise<PartnerSource[]>;
  /**
   * The account's CloudWatch Logs deliveries, listed once and shared by the runs of a scheduled reconcile
   * (DescribeDeliveries has no filter, so one listing per store pages through every store's deliveries); a
   * store whose deliveries it does not show as wanted is listed again live before anything changes. Without
   * it, each run lists them itself.
   */
  listDeliveries?: () => Promise<DeliveryLink[]>;
}
