import { type Clock, systemClock } from '../../clock.js';
import { messageOf, TransientError } from '../../errors.js';
import { defaultRetryPolicy, type RetryPolicy, retry } from '../../retry.js';
import {
  BigCommerceNotFoundError,
  BigCommerceRequestError,
  OutOfTimeError,
  StoreAccessError,
} from './errors.js';
import { quotaOf, StoreRateLimiter } from './limiter.js';
import { locateResource } from './locations.js';
import type { ResourceLocation, ResourceOf, ResourceScope } from './resources.js';
import type { BigCommerceClient, HttpMethod, RestRequest, StoreClients } from './types.js';

/** A store's access token and where it came from (named in errors; the token itself never is). */
export interface TokenSource {
  token(storeHash: string): Promise<string>;
  /**
   * Reads the token again past any cache (after a 401 or 403: it may have been rotated since it was cached);
   * the next `token` call gives the same value.
   */
  refresh?(storeHash: string): Promise<string>;
  /** e.g. `SSM parameter /bigcommerce-webhooks/prod/stores/abc123/access-token`. */
  describe(storeHash: string): string;
}

export interface StoreClientsOptions {
  /** BIGCOMMERCE_API_URL, e.g. `https://api.bigcommerce.com`. */
  apiUrl: string;
  tokens: TokenSource;
  /** Per-call timeout (default 10 s), shortened to what is left of the invocation. */
  timeoutMs?: number;
  /** Requests each store's limiter leaves to other apps and containers (default 2). */
  reserve?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  fetch?: typeof fetch;
}

/** A response in hand: status, JSON body (or undefined), and what it says of the quota. */
interface Answer {
  status: number;
  body: unknown;
  /** The token the request carried. */
  token: string;
}

/** Time kept back from the deadline, so the record's failure can still be reported. */
const DEADLINE_MARGIN_MS = 250;

const parseJson = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * The consumer's BigCommerce clients: one rate limiter per store for the container's life, each client
 * bound to a store and a record's budget. Calls are paced by the store's `X-Rate-Limit-*` headers; a 429
 * waits `X-Rate-Limit-Time-Reset-Ms` (or backs off when absent: platform load), 5xx, timeouts and network
 * failures back off with jitter, all through {@link retry} and never past the budget's deadline.
 * @see https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits
 */
export const createStoreClients = (options: StoreClientsOptions): StoreClients => {
  const clock = options.clock ?? systemClock;
  // A 429's wait is the window's reset, up to its 30 s length; the deadline bounds it further.
  const policy: RetryPolicy = {
    ...defaultRetryPolicy,
    attempts: 5,
    maxWaitMs: 30_000,
    sleep: clock.sleep,
    ...options.retry,
  };
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = options.apiUrl.replace(/\/+$/, '');
  const limiters = new Map<string, StoreRateLimiter>();
  const limiterOf = (storeHash: string) => {
    let limiter = limiters.get(storeHash);
    if (!limiter) {
      limiter = new StoreRateLimiter(clock, options.reserve);
      limiters.set(storeHash, limiter);
    }
    return limiter;
  };

  return (storeHash, budget, log) => {
    const limiter = limiterOf(storeHash);
    const storePath = `${base}/stores/${encodeURIComponent(storeHash)}`;
    const left = () =>
      budget.deadline === undefined ? Infinity : budget.deadline - DEADLINE_MARGIN_MS - clock.now();

    const once = async (method: string, url: string, what: string, body: unknown): Promise<Answer> => {
      const token = await options.tokens.token(storeHash);
      await limiter.acquire(
        budget.deadline === undefined ? undefined : budget.deadline - DEADLINE_MARGIN_MS,
        what,
        (waitMs) =>
          log?.info("waiting for the store's BigCommerce rate-limit window to reset", {
            request: what,
            waitMs,
          }),
      );
      const ms = Math.min(timeoutMs, left());
      if (ms <= 0) {
        limiter.release(undefined);
        throw new OutOfTimeError(`${what}: no time left in the invocation`);
      }
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: {
            'x-auth-token': token,
            accept: 'application/json',
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(ms),
        });
      } catch (error) {
        limiter.release(undefined);
        throw new TransientError(`${what}: ${messageOf(error)}`, { cause: error });
      }
      const quota = quotaOf(response.headers);
      limiter.release(quota);
      const answer = { status: response.status, body: parseJson(await response.text()), token };
      if (answer.status === 429) {
        throw new TransientError(`${what}: BigCommerce rate limit (HTTP 429)`, {
          retryAfterMs: quota?.resetMs,
        });
      }
      if (answer.status >= 500)
        throw new TransientError(`${what}: BigCommerce answered HTTP ${answer.status}`);
      return answer;
    };

    /**
     * One call through the retry loop: transient failures retried while the budget allows; a refused token
     * is read again once, past its cache, and the call repeated if it changed (a rotation).
     */
    const call = async (method: HttpMethod, url: string, path: string, body: unknown): Promise<unknown> => {
      const what = `store ${storeHash}: ${method} ${path}`;
      let answer = await attempt(method, url, what, body);
      const refused = (status: number) => status === 401 || status === 403;
      if (refused(answer.status) && options.tokens.refresh) {
        const fresh = await options.tokens.refresh(storeHash);
        if (fresh !== answer.token) answer = await attempt(method, url, what, body);
      }
      const { status } = answer;
      if (status === 404) throw new BigCommerceNotFoundError(storeHash, path);
      if (refused(status)) {
        throw new StoreAccessError(
          `store ${storeHash}: BigCommerce refused the access token from ${options.tokens.describe(storeHash)} (HTTP ${status}); was the app uninstalled or the token revoked?`,
        );
      }
      if (status >= 400) {
        throw new BigCommerceRequestError(`${what}: BigCommerce answered HTTP ${status}`, status);
      }
      return answer.body;
    };

    const attempt = (method: HttpMethod, url: string, what: string, body: unknown) =>
      retry(() => once(method, url, what, body), policy, {
        retryable: (error) => {
          if (!(error instanceof TransientError)) return false;
          const waitMs = error.retryAfterMs;
          if (waitMs !== undefined && waitMs > left()) {
            throw new OutOfTimeError(`${what}: rate limited until after the invocation's deadline`, {
              cause: error,
            });
          }
          return waitMs === undefined ? true : { waitMs };
        },
        onRetry: (error, waitMs, attempt) =>
          log?.warn('retrying BigCommerce call', { request: what, waitMs, attempt, cause: messageOf(error) }),
      });

    const request = <T>(method: HttpMethod, path: string, req: RestRequest = {}): Promise<T> => {
      const url = new URL(`${storePath}${path.startsWith('/') ? path : `/${path}`}`);
      for (const [key, value] of Object.entries(req.query ?? {})) url.searchParams.set(key, String(value));
      return call(method, url.toString(), path, req.body) as Promise<T>;
    };

    const client: BigCommerceClient = {
      storeHash,
      request,
      get: (path, query) => request('GET', path, query && { query }),
      graphql: async <T>(query: string, variables: Record<string, unknown> = {}) => {
        const body = (await call('POST', `${storePath}/graphql`, '/graphql', { query, variables })) as {
          data?: T;
          errors?: { message?: string }[];
        };
        if (body?.errors?.length) {
          throw new BigCommerceRequestError(
            `store ${storeHash}: GraphQL errors: ${body.errors.map((error) => error.message).join('; ')}`,
            200,
          );
        }
        return body?.data as T;
      },
      fetchResource: async <S extends ResourceScope>(event: { scope: unknown; data: unknown }) => {
        const location = locateResource(event.scope as S, event.data as never);
        return unwrap(storeHash, location, await request('GET', location.path)) as ResourceOf<S>;
      },
    };
    return client;
  };
};

/** The resource out of its response body, as {@link ResourceLocation.unwrap} says; a missing one is a 404. */
const unwrap = (storeHash: string, location: ResourceLocation, body: unknown): unknown => {
  const data = location.unwrap === 'body' ? body : (body as { data?: unknown } | undefined)?.data;
  const resource = location.unwrap === 'first' ? (Array.isArray(data) ? data[0] : undefined) : data;
  if (resource === undefined || resource === null)
    throw new BigCommerceNotFoundError(storeHash, location.path);
  if (typeof resource !== 'object') {
    throw new BigCommerceRequestError(`store ${storeHash}: ${location.path} did not return an object`, 200);
  }
  return resource;
};
