import { ClientError, GraphQLClient } from 'graphql-request';
import type * as z from 'zod/mini';
import { messageOf, PermanentError, TransientError } from '../../errors.js';
import type { LogSink } from '../../logger.js';
import { defaultRetryPolicy, type RetryPolicy, retryTransient } from '../../retry.js';
import type { Dialect } from './dialect.js';
import { type Documents, documentsOf } from './documents.js';

/** Sends one GraphQL document to one store and returns its `data`, validated by `schema`. */
export interface StoreGraphQL {
  request<T>(document: string, variables: Record<string, unknown>, schema: z.ZodMiniType<T>): Promise<T>;
  /**
   * Sends `document` without variables and returns the messages of its top-level GraphQL errors (none: it
   * ran). A server validates a document before it coerces variables, so for a document with a required
   * variable only "variable not provided" errors mean the document itself is valid.
   */
  probe(document: string): Promise<string[]>;
}

/** A store's GraphQL client with the documents of the dialect its schema speaks (see preflight.ts). */
export interface StoreApi extends StoreGraphQL {
  readonly dialect: Dialect;
  readonly documents: Documents;
}

/** Binds a client to a dialect. */
export const withDialect = (gql: StoreGraphQL, dialect: Dialect): StoreApi => ({
  request: (document, variables, schema) => gql.request(document, variables, schema),
  probe: (document) => gql.probe(document),
  dialect,
  documents: documentsOf(dialect),
});

/** BigCommerce refused the store's access token (HTTP 401 or 403): nothing else can be learned. */
export class AccessRefusedError extends PermanentError {
  override readonly name = 'AccessRefusedError';
}

export interface StoreGraphQLOptions {
  /** e.g. `https://api.bigcommerce.com`; the store path is appended. */
  apiUrl: string;
  storeHash: string;
  /** Sent as `X-Auth-Token`; never logged, never part of an error message. */
  token: string;
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  logger?: Pick<LogSink, 'warn'>;
}

/** The store's Admin GraphQL endpoint. @see https://developer.bigcommerce.com/docs/start/about */
export const storeGraphQLUrl = (apiUrl: string, storeHash: string) =>
  `${apiUrl.replace(/\/+$/, '')}/stores/${encodeURIComponent(storeHash)}/graphql`;

const resetMsOf = (headers: unknown): number | undefined => {
  const value = headers instanceof Headers ? headers.get('x-rate-limit-time-reset-ms') : null;
  const ms = value === null ? Number.NaN : Number(value);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
};

/**
 * Turns a graphql-request failure into the project's errors: 429 (waiting `X-Rate-Limit-Time-Reset-Ms`),
 * 5xx and network failures are transient; auth failures, other 4xx and top-level GraphQL errors are not.
 * @see https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits
 */
export const classifyGraphQLError = (error: unknown, operation: string): Error => {
  if (error instanceof ClientError) {
    const { status, headers, errors } = error.response;
    if (status === 429) {
      return new TransientError(`${operation}: BigCommerce rate limit (HTTP 429)`, {
        retryAfterMs: resetMsOf(headers),
      });
    }
    if (status >= 500) return new TransientError(`${operation}: BigCommerce answered HTTP ${status}`);
    if (status === 401 || status === 403) {
      return new AccessRefusedError(
        `${operation}: BigCommerce refused the store's access token (HTTP ${status})`,
      );
    }
    const messages = (errors ?? []).map((entry) => entry.message).join('; ');
    return new PermanentError(`${operation}: BigCommerce GraphQL error: ${messages || `HTTP ${status}`}`);
  }
  if (error instanceof TransientError || error instanceof PermanentError) return error;
  // fetch rejects with TypeError on network failures and with TimeoutError/AbortError on our timeout.
  if (error instanceof Error && ['TypeError', 'TimeoutError', 'AbortError'].includes(error.name)) {
    const reason = error.cause === undefined ? '' : ` (${messageOf(error.cause)})`;
    return new TransientError(
      `${operation}: network error talking to BigCommerce: ${messageOf(error)}${reason}`,
    );
  }
  return error instanceof Error ? error : new Error(messageOf(error));
};

const operationOf = (document: string) => /(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'graphql';

/** A {@link StoreGraphQL} over graphql-request, with bounded retries of transient failures. */
export const createStoreGraphQL = (options: StoreGraphQLOptions): StoreGraphQL => {
  const policy = { ...defaultRetryPolicy, ...options.retry };
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new GraphQLClient(storeGraphQLUrl(options.apiUrl, options.storeHash), {
    headers: { 'X-Auth-Token': options.token, Accept: 'application/json' },
    fetch: (input, init) => fetchImpl(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });

  const onRetry = (operation: string) => (error: Error, waitMs: number) =>
    options.logger?.warn('retrying BigCommerce call', { operation, waitMs, cause: error.message });

  return {
    probe: (document) =>
      retryTransient(
        async () => {
          try {
            await client.request<unknown>(document, {});
            return [];
          } catch (error) {
            if (
              error instanceof ClientError &&
              error.response.status < 500 &&
              error.response.status !== 429
            ) {
              if (error.response.status === 401 || error.response.status === 403) {
                throw classifyGraphQLError(error, operationOf(document));
              }
              return (error.response.errors ?? []).map((entry) => entry.message);
            }
            throw classifyGraphQLError(error, operationOf(document));
          }
        },
        policy,
        onRetry(operationOf(document)),
      ),
    request: (document, variables, schema) => {
      const operation = operationOf(document);
      return retryTransient(
        async () => {
          const data = await client.request<unknown>(document, variables).catch((error: unknown) => {
            throw classifyGraphQLError(error, operation);
          });
          const parsed = schema.safeParse(data);
          if (!parsed.success) {
            throw new PermanentError(`${operation}: unexpected response shape: ${parsed.error.message}`);
          }
          return parsed.data;
        },
        policy,
        onRetry(operation),
      );
    },
  };
};
