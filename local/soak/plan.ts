/**
 * What a soak fires: a deterministic mix of store events (from a seed), some of them fired twice as
 * BigCommerce may deliver one event twice (same `hash`, `created_at` and `data`).
 */

/** What the chain must do with an event: run its handler once, acknowledge it unhandled, or dead-letter it. */
export type Expectation = 'handled' | 'no-handler' | 'dlq';

/** One distinct store event of the soak, fired `copies` times with the same payload. */
export interface PlannedEvent {
  /**
   * Unique within the soak: the event's `data.id`, which also makes its `hash` unique. Ids have the same
   * number of digits, so no resource path of one is a prefix of another's (sandbox faults match by text).
   */
  id: number;
  scope: string;
  data: unknown;
  /** Unix seconds; the same for every copy, so the copies carry the same `hash`. */
  createdAt: number;
  copies: 1 | 2;
  expect: Expectation;
  /** The REST path its handler fetches from the store (`/v2/orders/{id}`), when it fetches one. */
  fetches?: string;
}

export interface PlanOptions {
  events: number;
  /** Share (0-1) of the events fired twice. */
  duplicates: number;
  /** Seed of the mix, so a failing soak can be replayed. */
  seed?: number;
  /** `created_at` of every event (default: now). */
  createdAt?: number;
}

/** Scopes the soak subscribes on top of the registry's: one with no handler module. */
export const NO_HANDLER_SCOPE = 'store/customer/created';

interface Kind {
  weight: number;
  expect: Expectation;
  scope: string;
  data: (id: number) => unknown;
  fetches?: (id: number) => string;
}

// The mix: mostly events whose handlers run (two of them fetch their resource from the sandbox), a few
// with no handler (acknowledged with a warning), and a few that violate their schema (data.id a string).
const KINDS: Kind[] = [
  {
    weight: 30,
    expect: 'handled',
    scope: 'store/category/updated',
    data: (id) => ({ type: 'category', id }),
  },
  {
    weight: 25,
    expect: 'handled',
    scope: 'store/order/created',
    data: (id) => ({ type: 'order', id }),
    fetches: (id) => `/v2/orders/${id}`,
  },
  {
    weight: 25,
    expect: 'handled',
    scope: 'store/product/updated',
    data: (id) => ({ type: 'product', id }),
    fetches: (id) => `/v3/catalog/products/${id}`,
  },
  { weight: 10, expect: 'handled', scope: 'store/product/deleted', data: (id) => ({ type: 'product', id }) },
  { weight: 5, expect: 'no-handler', scope: NO_HANDLER_SCOPE, data: (id) => ({ type: 'customer', id }) },
  {
    weight: 5,
    expect: 'dlq',
    scope: 'store/order/created',
    data: (id) => ({ type: 'order', id: `not-a-number-${id}` }),
  },
];

/** The first event's id: every id up to 9 x 10^8 events later has as many digits. */
const FIRST_ID = 100_000_000;

/** A small seeded generator (mulberry32): the same seed gives the same soak. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Builds the soak's events: `events` distinct ones, a `duplicates` share of them with two copies. */
export const planSoak = (options: PlanOptions): PlannedEvent[] => {
  const random = seededRandom(options.seed ?? 1);
  const total = KINDS.reduce((sum, kind) => sum + kind.weight, 0);
  const createdAt = options.createdAt ?? Math.floor(Date.now() / 1000);
  const pick = () => {
    let left = random() * total;
    for (const kind of KINDS) {
      left -= kind.weight;
      if (left < 0) return kind;
    }
    return KINDS[0] as Kind;
  };
  return Array.from({ length: options.events }, (_, index) => {
    const kind = pick();
    const id = FIRST_ID + index;
    return {
      id,
      scope: kind.scope,
      data: kind.data(id),
      createdAt,
      copies: random() < options.duplicates ? 2 : 1,
      expect: kind.expect,
      ...(kind.fetches && { fetches: kind.fetches(id) }),
    };
  });
};
