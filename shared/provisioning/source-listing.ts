import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { listPartnerSources, type PartnerSource } from '../aws/event-sources.js';
import { type DeliveryLink, listDeliveries } from '../aws/vended-logs.js';
import { PARTNER_SOURCE_PREFIXES } from '../bigcommerce/envelope.js';

/** `load`, called on first use and then shared; a load that fails is not kept: the next caller loads again. */
const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
};

/**
 * The account's BigCommerce partner sources, listed on first use and then shared (ProvisionDeps.listSources):
 * for one scheduled reconcile, so N stores cost one listing (N/100 pages) instead of N. A listing that fails
 * is not kept: the next store's run lists again.
 * IAM: events:ListEventSources.
 */
export const sharedListing = (eventBridge: EventBridgeClient): (() => Promise<PartnerSource[]>) =>
  once(() => listPartnerSources(eventBridge, PARTNER_SOURCE_PREFIXES));

/**
 * The account's CloudWatch Logs deliveries, listed on first use and then shared (ProvisionDeps.listDeliveries):
 * for one scheduled reconcile, so N stores with bus logging cost one listing (N x deliveries / 50 pages)
 * instead of N. A listing that fails is not kept: the next store's run lists again.
 * IAM: logs:DescribeDeliveries.
 */
export const sharedDeliveryListing = (logs: CloudWatchLogsClient): (() => Promise<DeliveryLink[]>) =>
  once(() => listDeliveries(logs));
