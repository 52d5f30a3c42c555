import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ConfigError } from '../../shared/errors.js';
import type { LogSink } from '../../shared/logger.js';
import { defaultEventSourceName } from '../../shared/provisioning/names.js';
import { provision } from '../../shared/provisioning/provision.js';
import { collapseScopes } from '../../shared/provisioning/scopes.js';
import { status } from '../../shared/provisioning/status.js';
import { teardown } from '../../shared/provisioning/teardown.js';
import type { ProvisionDeps, ProvisionSettings } from '../../shared/provisioning/types.js';
import { errorResponse, HttpError, json, parseBody, validate } from './http.js';
import { ProvisionRequestSchema, StoreHashSchema, StoreQuerySchema } from './schemas.js';

/** Everything the API needs, built once at init from the configuration. */
export interface ProvisionApi {
  deps: ProvisionDeps;
  /** Settings minus the account, which comes from the invocation's context. */
  settings: Omit<ProvisionSettings, 'awsAccount'>;
  /** The scopes to subscribe when a request names none. */
  defaultScopes: string[];
  /** Requested scopes that no handler covers (empty when all are handled). */
  unhandled: (scopes: string[]) => string[];
  eventSourceNamePrefix: string;
  maxBodyBytes: number;
  logger: Pick<LogSink, 'error'>;
}

type Route = (
  event: APIGatewayProxyEventV2,
  settings: ProvisionSettings,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The account id in the invoked function's ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
export const accountOf = (context: Pick<Context, 'invokedFunctionArn'>) => {
  const account = context.invokedFunctionArn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) {
    throw new ConfigError(`no AWS account id in the invoked function ARN ${context.invokedFunctionArn}`);
  }
  return account;
};

const storeOf = (event: APIGatewayProxyEventV2) => {
  const storeHash = validate(StoreHashSchema, event.pathParameters?.storeHash, 'storeHash');
  const query = validate(StoreQuerySchema, event.queryStringParameters ?? {}, 'query string');
  return { storeHash, ...query };
};

const routesOf = (api: ProvisionApi): Record<string, Route> => {
  const nameFor = (storeHash: string, name?: string) =>
    name ?? defaultEventSourceName(api.eventSourceNamePrefix, storeHash);
  return {
    'POST /provision': async (event, settings) => {
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
      return json(200, await provision(request, settings, api.deps));
    },
    'GET /provision/{storeHash}': async (event, settings) => {
      const { storeHash, eventSourceName } = storeOf(event);
      const request = {
        storeHash,
        eventSourceName: nameFor(storeHash, eventSourceName),
        scopes: collapseScopes(api.defaultScopes),
      };
      return json(200, await status(request, settings, api.deps));
    },
    'DELETE /provision/{storeHash}': async (event, settings) => {
      const { storeHash, eventSourceName, dryRun } = storeOf(event);
      return json(
        200,
        await teardown(
          { storeHash, dryRun, eventSourceName: nameFor(storeHash, eventSourceName) },
          settings,
          api.deps,
        ),
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
      return await route(event, { ...api.settings, awsAccount: accountOf(context) });
    } catch (error) {
      const response = errorResponse(error);
      if ((response.statusCode ?? 500) >= 500) api.logger.error('provision request failed', { error });
      return response;
    }
  };
};
