import * as z from 'zod/mini';
import { parseEnv } from '../../../../../shared/config.js';
import { createDedupeTableClient } from '../../../../../shared/dedupe/table-client.js';
import { type MarkResult, markUninstalled } from '../../../../../shared/provisioning/uninstall-mark.js';
import type { ScopeHandler } from '../../types.js';

/** Marks a store uninstalled at `at` (epoch ms) in the stores table. */
export type UninstallMarker = (storeHash: string, at: number) => Promise<MarkResult>;

const StoresTableEnv = z.object({
  STORES_TABLE_NAME: z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name')),
  AWS_ENDPOINT_URL_DYNAMODB: z.optional(z.string()),
});

/**
 * The stores table as serverless.yml gives it to consume, through the consumer's own DynamoDB client
 * (aws-lite, as for dedupe: nothing of the reconciler or the AWS SDK is bundled). Read on the first event,
 * so a consumer without STORES_TABLE_NAME fails these records only (retried, then dead-lettered), never
 * its start.
 */
export const tableMarker = (): UninstallMarker => {
  let marker: UninstallMarker | undefined;
  return (storeHash, at) => {
    if (!marker) {
      const env = parseEnv(StoresTableEnv, process.env, 'store/app/uninstalled handler');
      const client = createDedupeTableClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB });
      marker = async (hash, time) => markUninstalled(await client(), env.STORES_TABLE_NAME, hash, time);
    }
    return marker(storeHash, at);
  };
};

/**
 * Built in: the app was uninstalled from a store. BigCommerce has deleted the app's webhooks (and may have
 * revoked its token), so nothing more arrives through the store's chain; this handler marks the store in
 * the registry, and the next scheduled reconcile tears down its bus, rule and target (no BigCommerce call)
 * and unregisters it. A store that is not registered, or that a POST registered again after the event, is
 * left alone. A failed write throws: the record is retried. To keep uninstalled stores' AWS side, remove
 * this module's lines from the registry and SUBSCRIBED_SCOPES, as for any handler.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events#app
 */
export const createUninstallHandler =
  (mark: UninstallMarker): ScopeHandler<'store/app/uninstalled'> =>
  async (event, context) => {
    const { logger, storeHash } = context;
    // When the uninstall happened, never when this (possibly retried or redriven) copy arrived: a late copy
    // dated "now" would outdate the POST of a reinstall and tear a live store down. created_at is in seconds;
    // without it, EventBridge's `time` (when the partner put the event) is the event's own date too.
    const at =
      event.created_at !== undefined ? event.created_at * 1000 : Date.parse(context.eventBridge?.time ?? '');
    if (Number.isNaN(at)) {
      logger.warn('app uninstalled, but undated (no created_at): not marked; DELETE /provision tears down');
      return;
    }
    const result = await mark(storeHash, at);
    if (result === 'marked') {
      logger.info('app uninstalled: the next scheduled reconcile tears down the store and unregisters it', {
        uninstalledAt: new Date(at).toISOString(),
      });
    } else {
      logger.info(
        'app uninstalled: the store is not registered (or was registered again since); nothing to do',
      );
    }
  };

export const handle = createUninstallHandler(tableMarker());
