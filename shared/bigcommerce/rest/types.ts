import type { LogSink } from '../../logger.js';
import type { ResourceEvent, ResourceOf, ResourceScope } from './resources.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A REST call beside its method and path. */
export interface RestRequest {
  /** Query parameters, appended URL-encoded (`{ 'id:in': '5' }`). */
  query?: Record<string, string | number | boolean>;
  /** Sent as JSON. */
  body?: unknown;
}

/**
 * What a handler's `context.bigcommerce` is: a client bound to the event's store, its token read on first
 * use, every call paced by the store's rate-limit headers and retried on 429, 5xx and network failures.
 * A 404 throws {@link BigCommerceNotFoundError} (the resource is gone: ignore it or fail); a refused token,
 * an exhausted retry or the end of the invocation's time throws an error that fails the record.
 *
 * Tests of handlers program a fake of this interface; nothing else of the client is public.
 */
export interface BigCommerceClient {
  /** The store every call goes to. */
  readonly storeHash: string;
  /** A REST call under `/stores/{hash}` (`/v3/catalog/products/5`, `/v2/orders/5`): the parsed JSON body. */
  request<T = unknown>(method: HttpMethod, path: string, request?: RestRequest): Promise<T>;
  /** `request('GET', path, { query })`. */
  get<T = unknown>(path: string, query?: RestRequest['query']): Promise<T>;
  /** An Admin GraphQL document: its `data`; GraphQL `errors` throw. */
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The resource the event's payload points at (an order for `store/order/created`, ...), typed per scope. */
  fetchResource<S extends ResourceScope>(event: ResourceEvent<S>): Promise<ResourceOf<S>>;
}

/** What a record's calls may spend: they fail the record rather than run past `deadline`. */
export interface CallBudget {
  /** Epoch milliseconds (on the client's clock) by which every call and wait must be over. */
  deadline?: number;
}

/** Where a client says it waited or retried: the record's logger, so the lines carry its keys. */
export type ClientLog = Pick<LogSink, 'info' | 'warn'>;

/** Gives the client of one store for one record, within that record's invocation's budget. */
export type StoreClients = (storeHash: string, budget: CallBudget, log?: ClientLog) => BigCommerceClient;
