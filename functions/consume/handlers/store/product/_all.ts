import type { ScopeHandler } from '../../types.js';

/**
 * Every product scope without a handler of its own (`store/product/*`), narrowed on `event.scope`. A
 * product event carries only the product's id: the handler fetches the product, except after its
 * deletion (it is gone: BigCommerce would answer 404). Metafield events point at a metafield, not a product.
 */
export const handle: ScopeHandler<'store/product/*'> = async (event, { logger, bigcommerce }) => {
  switch (event.scope) {
    case 'store/product/metafield/created':
    case 'store/product/metafield/updated':
    case 'store/product/metafield/deleted':
    case 'store/product/variant/metafield/created':
    case 'store/product/variant/metafield/updated':
    case 'store/product/variant/metafield/deleted':
      logger.info('product metafield changed', { metafieldId: event.data.metafield_id, scope: event.scope });
      return;
    case 'store/product/deleted':
      logger.info('product deleted', { productId: event.data.id });
      return;
    case 'store/product/inventory/updated':
    case 'store/product/inventory/order/updated': {
      const product = await bigcommerce.fetchResource(event);
      logger.info('product inventory changed', {
        productId: event.data.id,
        method: event.data.inventory.method,
        value: event.data.inventory.value,
        fetched: { name: product.name, inventoryLevel: product.inventory_level },
      });
      return;
    }
    default: {
      const product = await bigcommerce.fetchResource(event);
      logger.info('product changed', {
        productId: event.data.id,
        scope: event.scope,
        fetched: { name: product.name, price: product.price },
      });
    }
  }
};
