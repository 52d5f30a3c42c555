import * as z from 'zod/mini';
import { AnyObject, family, Id, idOnly, lazy, MetafieldData, resource, Uuid } from './data.js';

/** `{channel_id}` is a placeholder: the payload's scope carries the number, e.g. `store/channel/1/cart/created`. */
const CH = 'store/channel/{channel_id}';

const CartId = lazy(() => z.looseObject({ cart_id: Uuid }));
const SiteId = lazy(() => idOnly('site_id'));

/** Channel scopes. @see https://developer.bigcommerce.com/docs/integrations/webhooks/events/channels */
export const channelScopes = {
  ...family(
    'store/channel',
    ['created', 'updated'],
    lazy(() => resource('channel', Id)),
  ),
  ...family('store/channel/metafield', ['created', 'updated', 'deleted'], MetafieldData),

  ...family(
    `${CH}/cart`,
    ['created', 'updated', 'deleted', 'couponApplied', 'abandoned', 'converted'],
    CartId,
  ),
  ...family(
    `${CH}/cart/lineItem`,
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(CartId(), { cart_item_id: Uuid })),
  ),
  ...family(
    `${CH}/category`,
    ['created', 'updated', 'deleted'],
    lazy(() => z.looseObject({ category_id: Id, tree_id: Id })),
  ),
  [`${CH}/categoryTree/updated`]: lazy(() => idOnly('tree_id')),
  ...family(
    `${CH}/order`,
    ['created', 'updated', 'archived', 'statusUpdated', 'message/created', 'refund/created'],
    lazy(() => idOnly('order_id')),
  ),
  ...family(
    CH,
    ['product/assigned', 'product/unassigned', 'category/product/assigned', 'category/product/unassigned'],
    lazy(() => idOnly('product_id')),
  ),
  ...family(
    `${CH}/page`,
    ['created', 'updated'],
    lazy(() => idOnly('page_id')),
  ),
  ...family(
    `${CH}/script`,
    ['created', 'updated'],
    lazy(() => z.looseObject({ uuid: Uuid })),
  ),

  ...family(
    `${CH}/settings`,
    [
      'currency/updated',
      'profile/updated',
      'logo/updated',
      'logo/image/updated',
      'favicon/image/updated',
      'checkout/updated',
      'SEO/updated',
      'robots/updated',
      'category/updated',
      'product/updated',
      'catalog/updated',
      'security/updated',
      'searchContextFilters/updated',
      'defaultCustomerGroup/updated',
      'customerPrivacy/updated',
      'locale/added',
      'locale/updated',
      'locale/deleted',
      'site/checkoutUrl/updated',
      'site/checkoutUrl/deleted',
    ],
    AnyObject,
  ),
  ...family(`${CH}/settings`, ['route/updated', 'site/updated'], SiteId),
  ...family(
    `${CH}/settings/emailStatus`,
    ['updated', 'deleted'],
    lazy(() => z.looseObject({ template_kind: z.string() })),
  ),
  ...family(`${CH}/email/templates`, ['updated', 'deleted'], AnyObject),
  ...family(
    CH,
    ['notifications/abandonedCart/updated', 'notifications/inventory/updated', 'socialMediaLinks/updated'],
    AnyObject,
  ),
  ...family(
    `${CH}/theme/configuration`,
    ['created', 'activated'],
    lazy(() =>
      z.looseObject({ theme_id: Uuid, variation_id: Uuid, version_id: Uuid, configuration_id: Uuid }),
    ),
  ),
} as const;
