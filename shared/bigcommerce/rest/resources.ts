import type { CatalogScope, PayloadScope, ScopeData } from '../scopes/index.js';

/**
 * The REST resources webhook payloads point at, as BigCommerce's API reference documents them. Only the
 * fields the docs promise are named; every type is open (`[field: string]: unknown`), since BigCommerce adds
 * fields and a handler must not break on them. Guesses are marked.
 * @see https://developer.bigcommerce.com/docs/rest-management/orders
 * @see https://developer.bigcommerce.com/docs/rest-catalog/products
 */
interface Open {
  [field: string]: unknown;
}

/** `GET /v2/orders/{id}`: money amounts are decimal strings in v2. */
export interface Order extends Open {
  id: number;
  status: string;
  status_id: number;
  customer_id: number;
  currency_code: string;
  total_inc_tax: string;
  total_ex_tax: string;
  date_created: string;
}

/** `GET /v3/catalog/products/{id}` (`data`). */
export interface Product extends Open {
  id: number;
  name: string;
  type: string;
  sku: string;
  price: number;
  inventory_level: number;
  is_visible: boolean;
}

/** `GET /v3/catalog/products/{product_id}/variants/{variant_id}` (`data`): what a `store/sku/*` id names. */
export interface Variant extends Open {
  id: number;
  product_id: number;
  sku: string;
  inventory_level: number;
}

/** `GET /v3/catalog/categories/{id}` (`data`). */
export interface Category extends Open {
  id: number;
  parent_id: number;
  name: string;
  is_visible: boolean;
}

/** One of `GET /v3/customers?id:in={id}` (`data[0]`): v3 has no single-customer GET. */
export interface Customer extends Open {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
}

/** One of `GET /v3/customers/addresses?id:in={id}` (`data[0]`). */
export interface CustomerAddress extends Open {
  id: number;
  customer_id: number;
  address1: string;
  city: string;
  country_code: string;
}

/** `GET /v3/carts/{id}` (`data`); a line-item event's cart. */
export interface Cart extends Open {
  id: string;
  customer_id: number;
  currency: { code: string } & Open;
  cart_amount: number;
  line_items: Open;
}

/** `GET /v2/orders/{order_id}/shipments/{id}`. */
export interface Shipment extends Open {
  id: number;
  order_id: number;
  tracking_number: string;
  shipping_provider: string;
}

/** `GET /v3/customers/subscribers/{id}` (`data`). */
export interface Subscriber extends Open {
  id: number;
  email: string;
}

/** `GET /v3/pricelists/{id}` (`data`). */
export interface PriceList extends Open {
  id: number;
  name: string;
  active: boolean;
}

/**
 * Scope -> the resource its payload points at. A scope that is not a key (store information, metafields,
 * app uninstalled, batch price-list scopes...) has no resource: passing its event to `fetchResource` does
 * not compile.
 */
export interface ResourceByScope {
  'store/order/created': Order;
  'store/order/updated': Order;
  'store/order/archived': Order;
  'store/order/statusUpdated': Order;
  'store/order/message/created': Order;
  'store/order/refund/created': Order;
  'store/product/created': Product;
  'store/product/updated': Product;
  'store/product/deleted': Product;
  'store/product/inventory/updated': Product;
  'store/product/inventory/order/updated': Product;
  'store/sku/created': Variant;
  'store/sku/updated': Variant;
  'store/sku/deleted': Variant;
  'store/sku/inventory/updated': Variant;
  'store/sku/inventory/order/updated': Variant;
  'store/category/created': Category;
  'store/category/updated': Category;
  'store/category/deleted': Category;
  'store/customer/created': Customer;
  'store/customer/updated': Customer;
  'store/customer/deleted': Customer;
  'store/customer/payment/instrument/default/updated': Customer;
  'store/customer/address/created': CustomerAddress;
  'store/customer/address/updated': CustomerAddress;
  'store/customer/address/deleted': CustomerAddress;
  'store/cart/created': Cart;
  'store/cart/updated': Cart;
  'store/cart/deleted': Cart;
  'store/cart/abandoned': Cart;
  'store/cart/couponApplied': Cart;
  'store/cart/converted': Cart;
  'store/cart/lineItem/created': Cart;
  'store/cart/lineItem/updated': Cart;
  'store/cart/lineItem/deleted': Cart;
  'store/shipment/created': Shipment;
  'store/shipment/updated': Shipment;
  'store/shipment/deleted': Shipment;
  'store/subscriber/created': Subscriber;
  'store/subscriber/updated': Subscriber;
  'store/subscriber/deleted': Subscriber;
  'store/priceList/created': PriceList;
  'store/priceList/updated': PriceList;
  'store/priceList/activated': PriceList;
  'store/priceList/deactivated': PriceList;
  'store/priceList/deleted': PriceList;
}

/** A catalog scope whose payload points at a resource `fetchResource` can read. */
export type ResourceScope = keyof ResourceByScope & CatalogScope;

/** The resource an event of scope `S` points at. */
export type ResourceOf<S extends ResourceScope> = ResourceByScope[S];

/** The part of an event `fetchResource` reads: its scope and validated data. */
export interface ResourceEvent<S extends ResourceScope> {
  scope: PayloadScope<S>;
  data: ScopeData<S>;
}

/** Where a resource lives and how its body holds it. */
export interface ResourceLocation {
  /** Under `/stores/{hash}`, e.g. `/v2/orders/5`. */
  path: string;
  /** `body`: v2's bare object; `data`: v3's `{data}`; `first`: v3's `{data: [...]}` list filtered to one. */
  unwrap: 'body' | 'data' | 'first';
}
