/**
 * The REST resources of the sandbox's stores: what a handler fetches after an event. Firing an event
 * records the resource its payload points at (created or updated; removed on a deletion), so an order
 * fired with `--id 5` is then `GET /v2/orders/5`. Each resource is kept at its BigCommerce path and in the
 * shape BigCommerce's API reference documents, with made-up values derived from its id.
 * @see https://developer.bigcommerce.com/docs/rest-management/orders
 * @see https://developer.bigcommerce.com/docs/rest-catalog/products
 */
type Data = Record<string, unknown>;
type Build = (data: Data) => { path: string; resource: Data } | undefined;

const num = (value: unknown) => (typeof value === 'number' ? value : Number(value));
const ids = (value: unknown) => (value && typeof value === 'object' ? (value as Data) : {});
const money = (value: number) => value.toFixed(4);
const DATE = 'Tue, 01 Dec 2026 10:00:00 +0000';

const order: Build = (data) => {
  const id = num(data.id);
  const total = 100 + id;
  return {
    path: `/v2/orders/${id}`,
    resource: {
      id,
      status: 'Awaiting Fulfillment',
      status_id: 11,
      customer_id: 32,
      currency_code: 'USD',
      total_ex_tax: money(total),
      total_inc_tax: money(total * 1.1),
      items_total: 1,
      date_created: DATE,
      date_modified: DATE,
    },
  };
};

const product: Build = (data) => {
  const id = num(data.id);
  return {
    path: `/v3/catalog/products/${id}`,
    resource: {
      id,
      name: `Sandbox product ${id}`,
      type: 'physical',
      sku: `SBX-${id}`,
      price: 10 + id,
      inventory_level: 100,
      is_visible: true,
    },
  };
};

const variant = (source: Data): ReturnType<Build> => {
  const productId = num(source.product_id);
  const variantId = num(source.variant_id);
  return {
    path: `/v3/catalog/products/${productId}/variants/${variantId}`,
    resource: {
      id: variantId,
      product_id: productId,
      sku: `SBX-${productId}-${variantId}`,
      inventory_level: 10,
    },
  };
};

const withId =
  (path: (id: string) => string, make: (id: number) => Data, key = 'id'): Build =>
  (data) => {
    const id = String(data[key]);
    return { path: path(id), resource: { id: num(id), ...make(num(id)) } };
  };

/** Scope prefixes (most specific first) and how each one's payload names its resource. */
const builders: ReadonlyArray<readonly [prefix: string, build: Build]> = [
  ['store/order/metafield/', () => undefined],
  ['store/order/transaction/', () => undefined],
  ['store/order/', order],
  ['store/product/metafield/', () => undefined],
  ['store/product/variant/', () => undefined],
  ['store/product/', product],
  ['store/sku/inventory/', (data) => variant(ids(data.inventory))],
  ['store/sku/', (data) => variant(ids(data.sku))],
  ['store/category/metafield/', () => undefined],
  [
    'store/category/',
    withId(
      (id) => `/v3/catalog/categories/${id}`,
      (id) => ({ parent_id: 0, name: `Category ${id}`, is_visible: true }),
    ),
  ],
  ['store/customer/channel/', () => undefined],
  [
    'store/customer/address/',
    (data) => ({
      path: `/v3/customers/addresses/${num(data.id)}`,
      resource: {
        id: num(data.id),
        customer_id: num(ids(data.address).customer_id),
        address1: '1 Sandbox Way',
        city: 'Austin',
        country_code: 'US',
      },
    }),
  ],
  [
    'store/customer/',
    withId(
      (id) => `/v3/customers/${id}`,
      (id) => ({ email: `customer${id}@example.com`, first_name: 'Sandbox', last_name: `Customer ${id}` }),
    ),
  ],
  ['store/cart/metafield/', () => undefined],
  [
    'store/cart/lineItem/',
    (data) => ({ path: `/v3/carts/${String(data.cartId)}`, resource: cart(String(data.cartId)) }),
  ],
  ['store/cart/', (data) => ({ path: `/v3/carts/${String(data.id)}`, resource: cart(String(data.id)) })],
  [
    'store/shipment/',
    (data) => ({
      path: `/v2/orders/${num(data.orderId)}/shipments/${num(data.id)}`,
      resource: {
        id: num(data.id),
        order_id: num(data.orderId),
        tracking_number: `TRACK${num(data.id)}`,
        shipping_provider: 'ups',
        date_created: DATE,
      },
    }),
  ],
  [
    'store/subscriber/',
    withId(
      (id) => `/v3/customers/subscribers/${id}`,
      (id) => ({ email: `subscriber${id}@example.com` }),
    ),
  ],
  ['store/priceList/record', () => undefined],
  ['store/priceList/assignment', () => undefined],
  [
    'store/priceList/',
    withId(
      (id) => `/v3/pricelists/${id}`,
      (id) => ({ name: `Price list ${id}`, active: true }),
      'price_list_id',
    ),
  ],
];

function cart(id: string): Data {
  return {
    id,
    customer_id: 0,
    currency: { code: 'USD' },
    cart_amount: 25,
    line_items: { physical_items: [] },
  };
}

/** Whether a scope removes its resource rather than creating or changing it. */
const isDeletion = (scope: string) => scope.endsWith('/deleted');

export class SandboxResources {
  readonly #stores = new Map<string, Map<string, Data>>();

  #store(storeHash: string) {
    let store = this.#stores.get(storeHash);
    if (!store) {
      store = new Map();
      this.#stores.set(storeHash, store);
    }
    return store;
  }

  /** Stores (or replaces) a resource at its REST path, e.g. `/v2/orders/5`. */
  put(storeHash: string, path: string, resource: Data) {
    this.#store(storeHash).set(path, resource);
  }

  /** Removes a resource: fetching it then answers 404, as after a deletion on BigCommerce. */
  delete(storeHash: string, path: string) {
    this.#store(storeHash).delete(path);
  }

  get(storeHash: string, path: string): Data | undefined {
    return this.#store(storeHash).get(path);
  }

  /** Records what a fired event says happened to the resource its payload points at. */
  recordFired(storeHash: string, scope: string, data: unknown) {
    if (!data || typeof data !== 'object' || Array.isArray(data)) return;
    const found = builders.find(([prefix]) => scope.startsWith(prefix));
    const built = found?.[1](data as Data);
    // No resource, or an id that is not one (an event fired to be rejected, `{"id": "not-a-number"}`).
    if (!built || built.path.includes('NaN')) return;
    // A line item's deletion leaves its cart; every other deletion removes the resource itself.
    if (isDeletion(scope) && !scope.startsWith('store/cart/lineItem/')) this.delete(storeHash, built.path);
    else this.put(storeHash, built.path, { ...this.get(storeHash, built.path), ...built.resource });
  }
}

/** The answer to a REST GET: v2 answers the bare resource, v3 wraps it (`{data, meta}`); lists filter `id:in`. */
export const answerRest = (
  resources: SandboxResources,
  storeHash: string,
  url: URL,
  prefix: string,
): { status: number; body: unknown } => {
  const path = url.pathname.slice(prefix.length);
  const v2 = path.startsWith('/v2/');
  const notFound = v2
    ? [{ status: 404, message: 'The requested resource was not found.' }]
    : {
        status: 404,
        title: 'The requested resource was not found.',
        type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes',
      };
  const idsIn = url.searchParams.get('id:in');
  if (idsIn !== null && (path === '/v3/customers' || path === '/v3/customers/addresses')) {
    const data = idsIn
      .split(',')
      .map((id) => resources.get(storeHash, `${path}/${id}`))
      .filter((item): item is Data => item !== undefined);
    return { status: 200, body: { data, meta: { pagination: { total: data.length, count: data.length } } } };
  }
  const resource = resources.get(storeHash, path);
  if (!resource) return { status: 404, body: notFound };
  return { status: 200, body: v2 ? resource : { data: resource, meta: {} } };
};
