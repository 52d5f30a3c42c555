import type { ScopeHandler } from '../../types.js';

/** An order was placed: `data.id` is the order id. */
export const handle: ScopeHandler<'store/order/created'> = async (event, { logger }) => {
  logger.info('order created', { orderId: event.data.id });
};
