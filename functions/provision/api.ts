import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { LogSink } from '../../shared/logger.js';
import { type StoreLeases, withLease } from '../../shared/provisioning/lease.js';
import { defaultEventSourceName } from '../../shared/provisioning/names.js';
import { provision } from '../../shared/provisioning/provision.js';
import {
  outcomeOfError,
  outcomeOfResult,
  type RegisteredStore,
  type StoreRegistry,
} from '../../shared/provisioning/registry.js';
import { collapseScopes } from '../../shared/provisioning/scopes.js';
import { status } from '../../shared/provisioning/status.js';
import { teardown } from '../../shared/provisioning/teardown.js';
import type { ProvisionDeps, ProvisionSettings } from '../../shared/provisioning/types.js';
import { errorResponse, HttpError, json, parseBody, validate } from './http.js';
import {
  DEFAULT_LIST_LIMIT,
  encodePageToken,
  ListQuerySchema,
  NoQuerySchema,
  ProvisionRequestSchema,
  StatusQuerySchema,
  StoreHashSchema,
  TeardownQuerySchema,
} from './schemas.js';

/** Everything the API needs, built once at init from the configuration. */
export interface ProvisionApi {
  deps: ProvisionDeps;
  /** One changing run per store at a time (dry runs and status take no lease). */
  leases: StoreLeases;
  /**
   * Each store's desired state and last result: written by changing POSTs, removed by a converged DELETE,
   * listed by `GET /provision`, and what `GET /provision/{storeHash}` compares with.
   */
  registry: StoreRegistry;
  /** The settings of one invocation: its deadline comes from its context. */
  settingsFor: (context: Context) => ProvisionSettings;
  /** The scopes to subscribe when a request names none. */
  defaultScopes: string[];
  /** Requested scopes that no handler covers (empty when all are handled). */
  unhandled: (scopes: string[]) => string[];
  eventSourceNamePrefix: string;
  maxBodyBytes: number;
  logger: Pick<LogSink, 'error' | 'warn'>;
}

type Route = (
  event: APIGatewayProxyEventV2,
  settings: ProvisionSettings,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Where nothing says how long the invocation may run, a lease lasts this long. */
const DEFAULT_LEASE_MS = 30_000;

/** The lease of a run expires when its invocation ends: a crashed run blocks its store no longer. */
const leaseExpiryOf = (context: Context) =>
  Date.now() +
  (typeof context.getRemainingTimeInMillis === 'function'
    ? context.getRemainingTimeInMillis()
    : DEFAULT_LEASE_MS);

/** A registry entry as `GET /provision` shows it: times as ISO 8601, for people and for `jq`. */
const storeView = ({ registeredAt, lastRun, uninstalledAt, ...store }: RegisteredStore) => ({
  ...store,
  registeredAt: new Date(registeredAt).toISOString(),
  ...(uninstalledAt !== undefined && { uninstalledAt: new Date(uninstalledAt).toISOString() }),
  ...(lastRun && {
    lastRun: {
      ...lastRun,
      startedAt: new Date(lastRun.startedAt).toISOString(),
      endedAt: new Date(lastRun.endedAt).toISOString(),
    },
  }),
});

const storeHashOf = (event: APIGatewayProxyEventV2) =>
  validate(StoreHashSchema, event.pathParameters?.storeHash, 'storeHash');
const queryOf = (event: APIGatewayProxyEventV2) => event.queryStringParameters ?? {};

const routesOf = (api: ProvisionApi): Record<string, Route> => {
  const nameFor = (storeHash: string, name?: string) =>
    name ?? defaultEventSourceName(api.eventSourceNamePrefix, storeHash);
  /** A changing run holds the store's lease (a dry run only reads and takes none). */
  const exclusive = <T>(storeHash: string, context: Context, work: () => Promise<T>) =>
    withLease(api.leases, storeHash, leaseExpiryOf(context), work, api.logger);
  const { registry } = api;
  return {
    'POST /provision': async (event, settings, context) => {
      validate(NoQuerySchema, queryOf(event), 'query string');
      const body = parseBody(event, ProvisionRequestSchema, api.maxBodyBytes);
      const scopes = collapseScopes(body.scopes ?? api.defaultScopes);
      const unhandled = body.scopes && !body.allowUnhandled ? api.unhandled(scopes) : [];
      if (unhandled.length > 0) {
        throw new HttpError(
          400,
          'UnhandledScopes',
          `no handler module covers ${unhandled.join(', ')}; add one under functions/consume/handlers or send allowUnhandled: true`,
          unhandled.map((scope) => ({ field: 'scopes', message: `${scope} has no handler` })),
        );
      }
      const request = { ...body, scopes, eventSourceName: nameFor(body.storeHash, body.eventSourceName) };
      if (request.dryRun) return json(200, await provision(request, settings, api.deps));
      const desired = {
        scopes,
        eventSourceName: request.eventSourceName,
        prune: request.prune,
        transport: request.transport,
        logging: request.logging,
      };
      /** The run and its registry record share the lease, so no other run of the store comes between. */
      const registered = async () => {
        const startedAt = Date.now();
        try {
          const result = await provision(request, settings, api.deps);
          await registry.record(request.storeHash, desired, startedAt, outcomeOfResult(result));
          return result;
        } catch (error) {
          // The answer is the run's failure; a registry that cannot record it only loses the last result.
          await registry
            .record(request.storeHash, desired, startedAt, outcomeOfError(error))
            .catch((recordError: unknown) => {
              api.logger.warn('could not record the failed run in the store registry', {
                storeHash: request.storeHash,
                error: recordError,
              });
            });
          throw error;
        }
      };
      return json(200, await exclusive(request.storeHash, context, registered));
    },
    'GET /provision/{storeHash}': async (event, settings) => {
      const storeHash = storeHashOf(event);
      const { eventSourceName, scopes, transport } = validate(
        StatusQuerySchema,
        queryOf(event),
        'query string',
      );
      // A registered store is compared with what its last POST asked for (what the scheduled reconcile
      // keeps it at); the query overrides it, and an unregistered store is compared with the defaults.
      const desired = (await registry.get(storeHash))?.desired;
      const request = {
        storeHash,
        eventSourceName: eventSourceName ?? desired?.eventSourceName ?? nameFor(storeHash),
        scopes: collapseScopes(scopes ?? desired?.scopes ?? api.defaultScopes),
        transport: transport ?? desired?.transport ?? 'eventbridge',
        ...(desired?.logging && { logging: desired.logging }),
      };
      return json(200, await status(request, settings, api.deps));
    },
    'DELETE /provision/{storeHash}': async (event, settings, context) => {
      const storeHash = storeHashOf(event);
      const { eventSourceName, dryRun } = validate(TeardownQuerySchema, queryOf(event), 'query string');
      const request = { storeHash, dryRun, eventSourceName: nameFor(storeHash, eventSourceName) };
      if (dryRun) return json(200, await teardown(request, settings, api.deps));
      /** Only a teardown that converged unregisters: a store with something left stays to be repaired. */
      const unregistered = async () => {
        const startedAt = Date.now();
        const result = await teardown(request, settings, api.deps);
        if (result.converged) await registry.unregister(storeHash, startedAt);
        return result;
      };
      return json(200, await exclusive(storeHash, context, unregistered));
    },
    'GET /provision': async (event) => {
      const { limit, next } = validate(ListQuerySchema, queryOf(event), 'query string');
      const page = await registry.list(limit ?? DEFAULT_LIST_LIMIT, next);
      return json(200, {
        stores: page.stores.map(storeView),
        ...(page.next && { next: encodePageToken(page.next) }),
      });
    },
  };
};

const routeKeyOf = (event: APIGatewayProxyEventV2) => {
  if (event.routeKey && event.routeKey !== '$default') return event.routeKey;
  const { method, path } = event.requestContext.http;
  return /^\/provision\/[^/]+$/.test(path) ? `${method} /provision/{storeHash}` : `${method} ${path}`;
};

/**
 * The HTTP API of provision as a plain function: routes are data, an unknown route is an explicit 404,
 * and every failure becomes a JSON error response (see `errorResponse`).
 */
export const createProvisionApi = (api: ProvisionApi) => {
  const routes = routesOf(api);
  return async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const route = routes[routeKeyOf(event)];
      if (!route) throw new HttpError(404, 'NotFound', `no route ${routeKeyOf(event)}`);
      return await route(event, api.settingsFor(context), context);
    } catch (error) {
      const response = errorResponse(error);
      if ((response.statusCode ?? 500) >= 500) api.logger.error('provision request failed', { error });
      return response;
    }
  };
};
