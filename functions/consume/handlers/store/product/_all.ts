import type { ScopeHandler } from '../../types.js';

/** Every product scope without a handler of its own (`store/product/*`), narrowed on `event.scope`. */
export const handle: ScopeHandler<'store/product/*'> = async (event, { logger }) => {
  switch (event.scope) {
    case 'store/product/inventory/updated':
    case 'store/product/inventory/order/updated':
      logger.info('product inventory changed', {
        productId: event.data.id,
        method: event.data.inventory.method,
        value: event.data.inventory.value,
      });
      return;
    case 'store/product/metafield/created':
    case 'store/product/metafield/updated':
    case 'store/product/metafield/deleted':
    case 'store/product/variant/metafield/created':
    case 'store/product/variant/metafield/updated':
    case 'store/product/variant/metafield/deleted':
      logger.info('product metafield changed', { metafieldId: event.data.metafield_id, scope: event.scope });
      return;
    default:
      logger.info('product changed', { productId: event.data.id, scope: event.scope });
  }
};
