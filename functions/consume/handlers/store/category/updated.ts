import type { ScopeHandler } from '../../types.js';

/** A category changed: `data.id` is the category id; fetch it from the Catalog API for the details. */
export const handle: ScopeHandler<'store/category/updated'> = async (event, { logger }) => {
  logger.info('category updated', { categoryId: event.data.id });
};
