import * as z from 'zod/mini';
import {
  AnyObject,
  family,
  Id,
  idOnly,
  lazy,
  MetafieldData,
  MetafieldWithTypeData,
  resource,
  Uuid,
} from './data.js';

const CartData = lazy(() => resource('cart', Uuid));
const CategoryData = lazy(() => resource('category', Id));
const CustomerData = lazy(() => resource('customer', Id));
const OrderData = lazy(() => resource('order', Id));
const ProductData = lazy(() => resource('product', Id));
const InventoryMethod = lazy(() => z.enum(['absolute', 'relative']));
const ProductInventory = lazy(() =>
  z.looseObject({ product_id: Id, method: InventoryMethod(), value: z.number() }),
);
const PriceListRecord = lazy(() => z.looseObject({ price_list_id: Id, variant_id: Id }));

/** Store-level scopes (everything that is not channel-, inventory-location- or B2B-specific). */
export const storeScopes = {
  ...family('store/brand/metafield', ['created', 'updated', 'deleted'], MetafieldData),

  ...family('store/cart', ['created', 'updated', 'deleted', 'abandoned'], CartData),
  'store/cart/couponApplied': lazy(() => z.extend(CartData(), { couponId: Id })),
  'store/cart/converted': lazy(() => z.extend(CartData(), { orderId: Id })),
  ...family('store/cart/metafield', ['created', 'updated', 'deleted'], MetafieldData),
  ...family(
    'store/cart/lineItem',
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(resource('cart_line_item', Uuid), { cartId: Uuid })),
  ),

  ...family('store/category', ['created', 'updated', 'deleted'], CategoryData),
  ...family('store/category/metafield', ['created', 'updated', 'deleted'], MetafieldData),

  ...family('store/customer', ['created', 'updated', 'deleted'], CustomerData),
  'store/customer/payment/instrument/default/updated': CustomerData,
  ...family(
    'store/customer/address',
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(CustomerData(), { address: z.looseObject({ customer_id: Id }) })),
  ),
  'store/customer/channel/login/access/updated': lazy(() =>
    z.looseObject({ customer_id: Id, channel_ids: z.array(Id) }),
  ),

  'store/hook/deliveryException': lazy(() =>
    z.extend(resource('webhook', Id), {
      error_code: z.union([z.literal(90001), z.literal(90002), z.literal(90003)]),
      message: z.string(),
    }),
  ),

  ...family('store/metafield', ['created', 'updated', 'deleted'], MetafieldWithTypeData),
  ...family(
    'store/store/metafield',
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(MetafieldData(), { namespace: z.string() })),
  ),

  ...family(
    'store',
    ['modifier/updated', 'option/updated'],
    lazy(() =>
      z.looseObject({
        type: z.string(),
        id: Id,
        affected_product_ids: z.array(Id),
        context: z.optional(z.looseObject({ channel_id: Id, locale: z.string() })),
      }),
    ),
  ),

  ...family('store/order', ['created', 'updated', 'archived'], OrderData),
  'store/order/statusUpdated': lazy(() =>
    z.extend(OrderData(), {
      status: z.looseObject({ previous_status_id: Id, new_status_id: Id }),
    }),
  ),
  'store/order/message/created': lazy(() =>
    z.extend(OrderData(), { message: z.looseObject({ order_message_id: Id }) }),
  ),
  'store/order/refund/created': lazy(() =>
    z.extend(OrderData(), { refund: z.looseObject({ refund_id: Id }) }),
  ),
  ...family(
    'store/order/transaction',
    ['created', 'updated'],
    lazy(() =>
      z.looseObject({
        type: z.literal('transaction'),
        order_id: z.string(),
        transaction_id: z.string(),
        transaction_status: z.string(),
        transaction_type: z.string(),
        result: z.optional(z.looseObject({})),
        platform_transaction_id: z.nullish(z.string()),
        provider_transaction_id: z.nullish(z.string()),
      }),
    ),
  ),
  ...family('store/order/metafield', ['created', 'updated', 'deleted'], MetafieldData),

  ...family(
    'store/priceList',
    ['created', 'updated', 'activated', 'deactivated', 'deleted'],
    lazy(() => idOnly('price_list_id')),
  ),
  'store/priceLists/deleted': lazy(() => z.looseObject({ price_list_ids: z.array(Id) })),
  ...family('store/priceList/record', ['created', 'updated', 'deleted'], PriceListRecord),
  // Batch scopes: `data` is an array of records, not an object.
  ...family(
    'store/priceList/records',
    ['created', 'updated', 'deleted'],
    lazy(() => z.array(PriceListRecord())),
  ),
  ...family(
    'store/priceList/assignment',
    ['updated', 'deleted'],
    lazy(() => z.looseObject({ price_list_id: Id, channel_id: Id, customer_group_id: z.nullable(Id) })),
  ),

  ...family('store/product', ['created', 'deleted'], ProductData),
  'store/product/updated': lazy(() =>
    z.extend(ProductData(), {
      properties: z.optional(z.array(z.string())),
      context: z.optional(z.looseObject({ channel_id: Id, locale: z.string() })),
    }),
  ),
  ...family(
    'store/product/inventory',
    ['updated', 'order/updated'],
    lazy(() => z.extend(ProductData(), { inventory: ProductInventory() })),
  ),
  ...family('store/product/metafield', ['created', 'updated', 'deleted'], MetafieldWithTypeData),
  ...family('store/product/variant/metafield', ['created', 'updated', 'deleted'], MetafieldWithTypeData),

  'store/redirects/updated': lazy(() =>
    z.looseObject({
      id: Id,
      site_id: Id,
      from_path: z.string(),
      to: z.looseObject({}),
    }),
  ),

  ...family(
    'store/shipment',
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(resource('shipment', Id), { orderId: Id })),
  ),

  ...family(
    'store/sku',
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(resource('sku', Id), { sku: z.looseObject({ product_id: Id, variant_id: Id }) })),
  ),
  ...family(
    'store/sku/inventory',
    ['updated', 'order/updated'],
    lazy(() =>
      z.extend(resource('sku', Id), { inventory: z.extend(ProductInventory(), { variant_id: Id }) }),
    ),
  ),

  // The sample payload for app/uninstalled is empty; the schema names only `type`.
  'store/app/uninstalled': AnyObject,
  'store/information/updated': lazy(() => z.looseObject({ type: z.literal('store') })),

  ...family(
    'store/subscriber',
    ['created', 'updated', 'deleted'],
    lazy(() => resource('subscriber', Id)),
  ),
} as const;
