import * as z from 'zod/mini';
import { family, Id, idOnly, lazy, MetafieldData } from './data.js';

/**
 * Inventory and location scopes. The product inventory scopes contain a literal `*` where channel scopes
 * carry a channel id: the payload's `scope` is exactly `store/channel/*\/inventory/product/stock_changed`.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events/inventory-location
 */
export const inventoryScopes = {
  ...family(
    'store/channel/*/inventory/product',
    ['stock_changed', 'low_stock_reached', 'out_of_stock_reached', 'settings_changed'],
    lazy(() => z.looseObject({ product_id: Id, location_id: Id, variant_id: z.optional(Id) })),
  ),
  ...family(
    'store/inventory/location',
    ['created', 'updated'],
    lazy(() => idOnly('location_id')),
  ),
  ...family('store/inventory/location/metafield', ['created', 'updated', 'deleted'], MetafieldData),
} as const;
