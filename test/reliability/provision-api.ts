import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createProvisionApi } from '../../functions/provision/api.js';
import { defaultScopes, unhandledScopes } from '../../functions/provision/scopes.js';
import { SUBSCRIBED_SCOPES } from '../../shared/bigcommerce/scopes/subscribed.js';
import { fakeContext } from '../helpers/context.js';
import { loadEvent } from '../helpers/load-event.js';
import { memoryLeases } from '../helpers/memory-leases.js';
import { memoryRegistry } from '../helpers/memory-registry.js';
import { settings } from '../helpers/provision-harness.js';
import type { Chain } from './chain.js';

/** The deployed default of PROVISION_MAX_BODY_BYTES. */
export const MAX_BODY_BYTES = 16_384;

/** A parsed response of the provision API. */
export interface ApiResponse {
  status: number;
  raw: string;
  body: { error?: { type: string; message: string; issues?: { field: string; message: string }[] } };
}

/**
 * The provision HTTP adapter wired to a chain, with the production limits; `errors` keeps what it logged
 * as a server-side failure.
 */
export const provisionApiOf = (chain: Chain) => {
  const errors: unknown[] = [];
  const api = createProvisionApi({
    deps: chain.deps,
    leases: memoryLeases().leases,
    registry: memoryRegistry().registry,
    settingsFor: () => settings,
    defaultScopes: defaultScopes(SUBSCRIBED_SCOPES),
    unhandled: (scopes) => unhandledScopes(scopes, SUBSCRIBED_SCOPES),
    eventSourceNamePrefix: 'bigcommerce-webhooks-test',
    maxBodyBytes: MAX_BODY_BYTES,
    logger: { error: (_message, ...extra) => void errors.push(...extra), warn: () => undefined },
  });
  const send = async (event: APIGatewayProxyEventV2): Promise<ApiResponse> => {
    const response = await api(event, fakeContext('bigcommerce-webhooks-test-provision'));
    const raw = response.body ?? '';
    return { status: response.statusCode ?? 0, raw, body: JSON.parse(raw) as ApiResponse['body'] };
  };
  return {
    errors,
    /** POST /provision with this raw body (base64-encoded when asked, as API Gateway may send it). */
    post: (body: string, base64 = false) => {
      const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
      event.body = base64 ? Buffer.from(body).toString('base64') : body;
      event.isBase64Encoded = base64;
      return send(event);
    },
    /** GET or DELETE /provision/{storeHash} with a query string. */
    store: (method: 'GET' | 'DELETE', storeHash: string, query: Record<string, string> = {}) => {
      const event = loadEvent<APIGatewayProxyEventV2>(
        'provision',
        method === 'GET' ? 'get-status' : 'delete-teardown',
      );
      event.pathParameters = { storeHash };
      event.queryStringParameters = query;
      return send(event);
    },
  };
};
