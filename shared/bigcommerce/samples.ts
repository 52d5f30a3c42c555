import { createHash, randomUUID } from 'node:crypto';
import { type BigCommercePayload, DETAIL_TYPE } from './envelope.js';
import type { CatalogScope } from './scopes/index.js';

/**
 * Sample `data` in the documented shape of every catalog scope, for the sandbox's fired events, the
 * fixtures and the benchmarks. Rules are tried in order; the first prefix that matches builds the data.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
const CH = 'store/channel/{channel_id}/';
const uuid = (id: number) => `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;
const metafield = (id: number) => ({ metafield_id: id, resource_id: String(id + 1000) });

const rules: ReadonlyArray<readonly [prefix: string, build: (id: number) => unknown]> = [
  ['store/store/metafield/', (id) => ({ ...metafield(id), namespace: 'App Namespace' })],
  ['store/metafield/', (id) => ({ ...metafield(id), resource_type: 'order' })],
  ['store/product/metafield/', (id) => ({ ...metafield(id), resource_type: 'product' })],
  ['store/product/variant/metafield/', (id) => ({ ...metafield(id), resource_type: 'variant' })],
  ['store/brand/metafield/', metafield],
  ['store/cart/metafield/', (id) => ({ metafield_id: id, resource_id: uuid(id) })],
  ['store/category/metafield/', metafield],
  ['store/order/metafield/', metafield],
  ['store/channel/metafield/', metafield],
  ['store/inventory/location/metafield/', metafield],
  ['store/cart/lineItem/', (id) => ({ type: 'cart_line_item', id: uuid(id), cartId: uuid(id + 1) })],
  ['store/cart/couponApplied', (id) => ({ type: 'cart', id: uuid(id), couponId: 12 })],
  ['store/cart/converted', (id) => ({ type: 'cart', id: uuid(id), orderId: 250 })],
  ['store/cart/', (id) => ({ type: 'cart', id: uuid(id) })],
  ['store/category/', (id) => ({ type: 'category', id })],
  ['store/customer/address/', (id) => ({ type: 'customer', id, address: { customer_id: 32 } })],
  ['store/customer/channel/', () => ({ customer_id: 32, channel_ids: [1, 2] })],
  ['store/customer/', (id) => ({ type: 'customer', id })],
  [
    'store/hook/deliveryException',
    (id) => ({
      type: 'webhook',
      id,
      error_code: 90001,
      message: 'Delivery failed; the event will be retried',
    }),
  ],
  [
    'store/modifier/',
    (id) => ({
      type: 'shared_modifier',
      id,
      affected_product_ids: [111],
      context: { channel_id: 1, locale: 'en' },
    }),
  ],
  [
    'store/option/',
    (id) => ({
      type: 'local_option',
      id,
      affected_product_ids: [111],
      context: { channel_id: 1, locale: 'en' },
    }),
  ],
  [
    'store/order/statusUpdated',
    (id) => ({ type: 'order', id, status: { previous_status_id: 0, new_status_id: 11 } }),
  ],
  ['store/order/message/', (id) => ({ type: 'order', id, message: { order_message_id: 5 } })],
  ['store/order/refund/', (id) => ({ type: 'order', id, refund: { refund_id: 3 } })],
  [
    'store/order/transaction/',
    (id) => ({
      type: 'transaction',
      order_id: String(id),
      transaction_id: 'c3cd4e0a-8f4e-4a5f-9b43-1f1a0e8b9a61',
      transaction_status: 'success',
      transaction_type: 'purchase',
      result: { code: 'success', message: 'Approved', type: 'success' },
      platform_transaction_id: '12345',
      provider_transaction_id: 'ch_3NsYw',
    }),
  ],
  ['store/order/', (id) => ({ type: 'order', id })],
  ['store/priceLists/deleted', (id) => ({ price_list_ids: [id, id + 1] })],
  [
    'store/priceList/records/',
    (id) => [
      { price_list_id: id, variant_id: 201, currency: 'usd' },
      { price_list_id: id, variant_id: 202, currency: 'usd' },
    ],
  ],
  ['store/priceList/record/', (id) => ({ price_list_id: id, variant_id: 201, currency: 'usd' })],
  ['store/priceList/assignment/', (id) => ({ price_list_id: id, channel_id: 1, customer_group_id: 2 })],
  ['store/priceList/', (id) => ({ price_list_id: id })],
  [
    'store/product/inventory/',
    (id) => ({ type: 'product', id, inventory: { product_id: id, method: 'absolute', value: 5 } }),
  ],
  ['store/product/', (id) => ({ type: 'product', id })],
  [
    'store/redirects/updated',
    (id) => ({ id, site_id: 1000, from_path: '/old-path', to: { type: 'url', url: '/new-path' } }),
  ],
  ['store/shipment/', (id) => ({ type: 'shipment', id, orderId: 250 })],
  [
    'store/sku/inventory/',
    (id) => ({
      type: 'sku',
      id,
      inventory: { product_id: 111, method: 'relative', value: -1, variant_id: 201 },
    }),
  ],
  ['store/sku/', (id) => ({ type: 'sku', id, sku: { product_id: 111, variant_id: 201 } })],
  ['store/app/uninstalled', () => ({})],
  ['store/information/updated', () => ({ type: 'store' })],
  ['store/subscriber/', (id) => ({ type: 'subscriber', id })],
  ['store/channel/*/inventory/product/', (id) => ({ product_id: id, variant_id: 201, location_id: 1 })],
  ['store/inventory/location/', (id) => ({ location_id: id })],
  [`${CH}cart/lineItem/`, (id) => ({ cart_id: uuid(id), cart_item_id: uuid(id + 1) })],
  [`${CH}cart/`, (id) => ({ cart_id: uuid(id) })],
  [`${CH}category/product/`, (id) => ({ product_id: id })],
  [`${CH}categoryTree/`, (id) => ({ tree_id: id })],
  [`${CH}category/`, (id) => ({ category_id: id, tree_id: 1 })],
  [`${CH}order/`, (id) => ({ order_id: id })],
  [`${CH}product/`, (id) => ({ product_id: id })],
  [`${CH}page/`, (id) => ({ page_id: id })],
  [`${CH}script/`, (id) => ({ uuid: uuid(id) })],
  [`${CH}settings/route/`, (id) => ({ site_id: id })],
  [`${CH}settings/site/updated`, (id) => ({ site_id: id })],
  [`${CH}settings/emailStatus/`, () => ({ template_kind: 'order_confirmation_email' })],
  [
    `${CH}theme/configuration/`,
    (id) => ({
      theme_id: uuid(id),
      variation_id: uuid(id + 1),
      version_id: uuid(id + 2),
      configuration_id: uuid(id + 3),
    }),
  ],
  [CH, () => ({})],
  ['store/channel/', (id) => ({ type: 'channel', id })],
  ['store/company/user/', (id) => ({ company_id: id, user_id: 7 })],
  ['store/company/address/', (id) => ({ company_id: id, address_id: 9 })],
  ['store/company/', (id) => ({ company_id: id })],
  ['store/superadmin/', (id) => ({ user_id: id })],
  ['store/quote/', (id) => ({ quote_id: id })],
];

/** Documented-shape `data` for `scope`, with `id` as its main resource id. */
export const sampleData = (scope: CatalogScope, id = 42): unknown => {
  const rule = rules.find(([prefix]) => scope.startsWith(prefix));
  if (!rule) throw new Error(`no sample rule for scope ${scope}`);
  return rule[1](id);
};

/** The payload BigCommerce sends for an event: `hash` is the SHA-1 of the event, as documented. */
export const samplePayload = (options: {
  scope: string;
  data: unknown;
  storeHash: string;
  storeId?: string;
  createdAt?: number;
}): BigCommercePayload => {
  const created_at = options.createdAt ?? Math.floor(Date.now() / 1000);
  // A fired event is a new event even when fired twice in the same second; an explicit createdAt (fixtures,
  // tests) keeps the hash reproducible.
  const nonce = options.createdAt === undefined ? randomUUID() : '';
  const identity = JSON.stringify({
    scope: options.scope,
    data: options.data,
    created_at,
    store: options.storeHash,
    nonce,
  });
  return {
    scope: options.scope,
    store_id: options.storeId ?? '1025646',
    data: options.data,
    hash: createHash('sha1').update(identity).digest('hex'),
    created_at,
    producer: `stores/${options.storeHash}`,
  };
};

/** The EventBridge event a partner event source delivers for a payload. */
export const sampleEventBridgeEvent = (
  payload: BigCommercePayload,
  options: { source: string; account?: string; region?: string; time?: string },
) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': DETAIL_TYPE,
  source: options.source,
  account: options.account ?? '123456789012',
  time: options.time ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: options.region ?? 'us-east-1',
  resources: [],
  detail: payload,
});
