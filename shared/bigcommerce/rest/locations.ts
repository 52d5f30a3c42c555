import type { ScopeData } from '../scopes/index.js';
import type { ResourceLocation, ResourceScope } from './resources.js';

type Locate<S extends ResourceScope> = (data: ScopeData<S>) => ResourceLocation;

const order = (data: { id: number }): ResourceLocation => ({ path: `/v2/orders/${data.id}`, unwrap: 'body' });
const product = (data: { id: number }): ResourceLocation => ({
  path: `/v3/catalog/products/${data.id}`,
  unwrap: 'data',
});
const category = (data: { id: number }): ResourceLocation => ({
  path: `/v3/catalog/categories/${data.id}`,
  unwrap: 'data',
});
const customer = (data: { id: number }): ResourceLocation => ({
  path: `/v3/customers?id:in=${data.id}`,
  unwrap: 'first',
});
// A guess: the address events' `id` is the address's (BigCommerce's sample shows `address.customer_id` beside it).
const address = (data: { id: number }): ResourceLocation => ({
  path: `/v3/customers/addresses?id:in=${data.id}`,
  unwrap: 'first',
});
const cart = (data: { id: string }): ResourceLocation => ({
  path: `/v3/carts/${encodeURIComponent(data.id)}`,
  unwrap: 'data',
});
const lineItemCart = (data: { cartId: string }): ResourceLocation => cart({ id: data.cartId });
const shipment = (data: { id: number; orderId: number }): ResourceLocation => ({
  path: `/v2/orders/${data.orderId}/shipments/${data.id}`,
  unwrap: 'body',
});
const variant = (ids: { product_id: number; variant_id: number }): ResourceLocation => ({
  path: `/v3/catalog/products/${ids.product_id}/variants/${ids.variant_id}`,
  unwrap: 'data',
});
const subscriber = (data: { id: number }): ResourceLocation => ({
  path: `/v3/customers/subscribers/${data.id}`,
  unwrap: 'data',
});
const priceList = (data: { price_list_id: number }): ResourceLocation => ({
  path: `/v3/pricelists/${data.price_list_id}`,
  unwrap: 'data',
});

/**
 * Where each resource scope's payload points: the REST path built from its validated data. Keyed by
 * every {@link ResourceScope} and nothing else, so the type and the table cannot drift apart.
 */
export const resourceLocations: { [S in ResourceScope]: Locate<S> } = {
  'store/order/created': order,
  'store/order/updated': order,
  'store/order/archived': order,
  'store/order/statusUpdated': order,
  'store/order/message/created': order,
  'store/order/refund/created': order,
  'store/product/created': product,
  'store/product/updated': product,
  'store/product/deleted': product,
  'store/product/inventory/updated': product,
  'store/product/inventory/order/updated': product,
  'store/sku/created': (data) => variant(data.sku),
  'store/sku/updated': (data) => variant(data.sku),
  'store/sku/deleted': (data) => variant(data.sku),
  'store/sku/inventory/updated': (data) => variant(data.inventory),
  'store/sku/inventory/order/updated': (data) => variant(data.inventory),
  'store/category/created': category,
  'store/category/updated': category,
  'store/category/deleted': category,
  'store/customer/created': customer,
  'store/customer/updated': customer,
  'store/customer/deleted': customer,
  'store/customer/payment/instrument/default/updated': customer,
  'store/customer/address/created': address,
  'store/customer/address/updated': address,
  'store/customer/address/deleted': address,
  'store/cart/created': cart,
  'store/cart/updated': cart,
  'store/cart/deleted': cart,
  'store/cart/abandoned': cart,
  'store/cart/couponApplied': cart,
  'store/cart/converted': cart,
  'store/cart/lineItem/created': lineItemCart,
  'store/cart/lineItem/updated': lineItemCart,
  'store/cart/lineItem/deleted': lineItemCart,
  'store/shipment/created': shipment,
  'store/shipment/updated': shipment,
  'store/shipment/deleted': shipment,
  'store/subscriber/created': subscriber,
  'store/subscriber/updated': subscriber,
  'store/subscriber/deleted': subscriber,
  'store/priceList/created': priceList,
  'store/priceList/updated': priceList,
  'store/priceList/activated': priceList,
  'store/priceList/deactivated': priceList,
  'store/priceList/deleted': priceList,
};

/** The location of the resource an event of `scope` points at. */
export const locateResource = <S extends ResourceScope>(scope: S, data: ScopeData<S>): ResourceLocation =>
  (resourceLocations[scope] as Locate<S>)(data);
