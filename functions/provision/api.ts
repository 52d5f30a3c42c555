import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { LogSink } from '../../shared/logger.js';
import { type StoreLeases, withLease } from '../../shared/provisioning/lease.js';
import { defaultEventSourceName } from '../../shared/provisioning/names.js';
import { provision } from '../../shared/provisioning/provision.js';
import { collapseScopes } from '../../shared/provisioning/scopes.js';
import { status } from '../../shared/provisioning/status.js';
import { teardown } from '../../shared/provisioning/teardown.js';
import type { ProvisionDeps, ProvisionSettings } from '../../shared/provisioning/types.js';
import { errorResponse, HttpError, json, parseBody, validate } from './http.js';
import {
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

const storeHashOf = (event: APIGatewayProxyEventV2) =>
  validate(StoreHashSchema, event.pathParameters?.storeHash, 'storeHash');
const queryOf = (event: APIGatewayProxyEventV2) => event.queryStringParameters ?? {};

const routesOf = (api: ProvisionApi): Record<string, Route> => {
  const nameFor = (storeHash: string, name?: string) =>
    name ?? defaultEventSourceName(api.eventSourceNamePrefix, storeHash);
  /** A changing run holds the store's lease; a dry run only reads and takes none. */
  const exclusive = <T>(storeHash: string, dryRun: boolean, context: Context, work: () => Promise<T>) =>
    dryRun ? work() : withLease(api.leases, storeHash, leaseExpiryOf(context), work, api.logger);
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
      return json(
        200,
        await exclusive(request.storeHash, request.dryRun, context, () =>
          provision(request, settings, api.deps),
        ),
      );
    },
    'GET /provision/{storeHash}': async (event, settings) => {
      const storeHash = storeHashOf(event);
      const { eventSourceName, scopes } = validate(StatusQuerySchema, queryOf(event), 'query string');
      const request = {
        storeHash,
        eventSourceName: nameFor(storeHash, eventSourceName),
        scopes: collapseScopes(scopes ?? api.defaultScopes),
      };
      return json(200, await status(request, settings, api.deps));
    },
    'DELETE /provision/{storeHash}': async (event, settings, context) => {
      const storeHash = storeHashOf(event);
      const { eventSourceName, dryRun } = validate(TeardownQuerySchema, queryOf(event), 'query string');
      const request = { storeHash, dryRun, eventSourceName: nameFor(storeHash, eventSourceName) };
      return json(
        200,
        await exclusive(storeHash, dryRun, context, () => teardown(request, settings, api.deps)),
      );
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
