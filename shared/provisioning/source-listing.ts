import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { listPartnerSources, type PartnerSource } from '../aws/event-sources.js';
import { PARTNER_SOURCE_PREFIXES } from '../bigcommerce/envelope.js';

/**
 * The account's BigCommerce partner sources, listed on first use and then shared (ProvisionDeps.listSources):
 * for one scheduled reconcile, so N stores cost one listing (N/100 pages) instead of N. A listing that fails
 * is not kept: the next store's run lists again.
 * IAM: events:ListEventSources.
 */
export const sharedListing = (eventBridge: EventBridgeClient): (() => Promise<PartnerSource[]>) => {
  let listing: Promise<PartnerSource[]> | undefined;
  return () => {
    listing ??= listPartnerSources(eventBridge, PARTNER_SOURCE_PREFIXES).catch((error: unknown) => {
      listing = undefined;
      throw error;
    });
    return listing;
  };
};
