import type { ResourceEvent, ResourceOf, ResourceScope } from './resources.js';
import type {
  BigCommerceClient,
  CallBudget,
  ClientLog,
  HttpMethod,
  RestRequest,
  StoreClients,
} from './types.js';

/**
 * A record's `context.bigcommerce`: asks `clients` for the store's client on the first call, not before.
 * Most handlers never fetch, so a record pays one small object here, not a client (nor, on the first record
 * of a container, the configuration read behind it). One class, its methods on the prototype: cheap to
 * make per record, and an ordinary property of the context (a getter there made every record's context
 * several times dearer, and a spread of the context would have called it).
 */
class LazyStoreClient implements BigCommerceClient {
  #client: BigCommerceClient | undefined;

  constructor(
    private readonly clients: StoreClients,
    readonly storeHash: string,
    private readonly budget: CallBudget,
    private readonly log: ClientLog | undefined,
  ) {}

  #resolve(): BigCommerceClient {
    this.#client ??= this.clients(this.storeHash, this.budget, this.log);
    return this.#client;
  }

  request<T = unknown>(method: HttpMethod, path: string, request?: RestRequest): Promise<T> {
    return this.#resolve().request<T>(method, path, request);
  }

  get<T = unknown>(path: string, query?: RestRequest['query']): Promise<T> {
    return this.#resolve().get<T>(path, query);
  }

  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T> {
    return this.#resolve().graphql<T>(query, variables);
  }

  fetchResource<S extends ResourceScope>(event: ResourceEvent<S>): Promise<ResourceOf<S>> {
    return this.#resolve().fetchResource(event);
  }
}

/** The client of `storeHash` for one record, made by `clients` when the record's handler first calls it. */
export const lazyStoreClient = (
  clients: StoreClients,
  storeHash: string,
  budget: CallBudget,
  log?: ClientLog,
): BigCommerceClient => new LazyStoreClient(clients, storeHash, budget, log);
