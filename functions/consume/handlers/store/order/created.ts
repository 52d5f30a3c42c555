import type { ScopeHandler } from '../../types.js';

/**
 * An order was placed: `data.id` is the order id. The payload carries nothing else, so the handler
 * fetches the order (`GET /v2/orders/{id}`) and logs its status and total.
 */
export const handle: ScopeHandler<'store/order/created'> = async (event, { logger, bigcommerce }) => {
  const order = await bigcommerce.fetchResource(event);
  logger.info('order created', {
    orderId: event.data.id,
    fetched: { status: order.status, total: order.total_inc_tax, currency: order.currency_code },
  });
};
