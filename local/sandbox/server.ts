import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  execute,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { readBody } from '../read-body.js';
import { describeCall, type SandboxCall } from './calls.js';
import { type Fault, FaultQueue } from './faults.js';
import { type FireRequest, FireRequestError, fireEvent, type PartnerEventPublisher } from './fire.js';
import { HttpsDelivery, httpsDeliveryOf } from './https-delivery.js';
import { type QuotaSettings, SandboxQuota } from './quota.js';
import { createRoot, type EventSourceHook, type PartnerName } from './resolvers.js';
import { answerRest, SandboxResources } from './resources.js';
import { type SchemaVariant, sandboxSchemaOf } from './schema.js';
import { SandboxState } from './state.js';

/** A store the sandbox serves and the API account allowed to call it. */
export interface SandboxAccount {
  storeHash: string;
  token: string;
  clientId: string;
}

export interface SandboxOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  accounts: SandboxAccount[];
  /** The namespace segment of partner source names (default `sandbox`). */
  namespace?: string;
  /** The partner segment of partner source names (default `bigcommerce.com`; `bigcommerce.com.test` for test sources). */
  partnerName?: PartnerName;
  /** Serve the Admin GraphQL schema as this variant of schema.graphql (default: as written). */
  variant?: SchemaVariant;
  /** Called for each new event source; the offline stack creates the partner source in its EventBridge. */
  onEventSourceCreated?: EventSourceHook;
  /**
   * Where fired store events go to EventBridge webhooks; without it, a fire that matches one answers 501
   * (HTTPS webhooks are still delivered, through {@link SandboxOptions.httpsDelivery}).
   */
  publishPartnerEvents?: PartnerEventPublisher;
  /** How fired events reach HTTPS webhooks (default: real timers, the sandbox app's secret). */
  httpsDelivery?: HttpsDelivery;
  /** The rate-limit quota per store (default 150 requests per 30 s, counted but not enforced). */
  quota?: Partial<QuotaSettings>;
  /** The quota windows' clock (default `Date.now`); tests pass a fake and move it. */
  now?: () => number;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:4000`: the `BIGCOMMERCE_API_URL` of the code under test. */
  url: string;
  port: number;
  state: SandboxState;
  faults: FaultQueue;
  /** Every GraphQL request received, in order. */
  calls: SandboxCall[];
  /** The stores' REST resources (orders, products, ...): fired events record theirs. */
  resources: SandboxResources;
  /** Each store's rate-limit window: `quota.exhaust(hash)`, `quota.configure({ enforce: true })`. */
  quota: SandboxQuota;
  /** Every REST request received (`GET /v2/orders/5`), in order, with the status answered. */
  restCalls: { storeHash: string; method: string; path: string; status: number }[];
  /** The HTTPS delivery of fired events: its `attempts` record every POST. */
  readonly https: HttpsDelivery;
  /** Refuses the store's token from now on (401), as after the app's uninstall. */
  revokeToken(storeHash: string): void;
  close(): Promise<void>;
}

const GRAPHQL_PATH = /^\/stores\/([A-Za-z0-9]+)\/graphql$/;
const REST_PATH = /^\/stores\/([A-Za-z0-9]+)\/v[23]\//;

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-rate-limit-time-window-ms': '30000',
    'x-rate-limit-requests-quota': '150',
    'x-rate-limit-requests-left': '149',
    ...headers,
  });
  response.end(JSON.stringify(body));
};

const sendFault = (
  response: ServerResponse,
  fault: Fault & { status: number },
  quotaHeaders: Record<string, string> = {},
) =>
  fault.status === 429
    ? send(
        response,
        429,
        { status: 429, title: 'Too many requests' },
        {
          ...quotaHeaders,
          'x-rate-limit-time-reset-ms': String(fault.resetMs ?? 100),
          'x-rate-limit-requests-left': '0',
        },
      )
    : send(response, fault.status, { status: fault.status, title: 'Injected fault' }, quotaHeaders);

const sendQuotaSpent = (response: ServerResponse, headers: Record<string, string>) =>
  send(response, 429, { status: 429, title: 'Too many requests' }, headers);

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fire that matched an EventBridge webhook of a sandbox started without a partner event publisher. */
class NoPublisherError extends Error {
  override readonly name = 'NoPublisherError';
}

/** The publisher of a sandbox without one: fine while no EventBridge webhook matches (HTTPS ones only). */
const noPublisher: PartnerEventPublisher = async (entries) => {
  if (entries.length > 0) {
    throw new NoPublisherError(
      `no partner event publisher: ${entries.length} EventBridge webhook(s) matched and cannot be delivered`,
    );
  }
  return [];
};

/**
 * Starts the BigCommerce sandbox: the Admin GraphQL webhook API of each configured store at
 * `/stores/{storeHash}/graphql` and the REST resources handlers fetch (`GET /stores/{storeHash}/v2|v3/...`,
 * see resources.ts), both checking `X-Auth-Token` and counting the store's quota (`X-Rate-Limit-*`), plus
 * `/__sandbox/faults` (POST a {@link Fault}, DELETE to clear), `/__sandbox/state` (GET),
 * `/__sandbox/fire` (POST a {@link FireRequest}: a store event delivered to the store's matching
 * EventBridge webhooks, through `publishPartnerEvents`, and HTTPS webhooks, through `httpsDelivery`), `/__sandbox/quota` (POST settings and/or `{"exhaust": storeHash}`) and
 * `/__sandbox/revoke` (POST `{"storeHash"}`) for tests and the offline stack.
 */
export const startSandbox = async (options: SandboxOptions): Promise<Sandbox> => {
  const state = new SandboxState();
  const faults = new FaultQueue();
  const calls: SandboxCall[] = [];
  const restCalls: Sandbox['restCalls'] = [];
  const resources = new SandboxResources();
  const quota = new SandboxQuota(options.now ?? Date.now, options.quota);
  const revoked = new Set<string>();
  (options.httpsDelivery ?? new HttpsDelivery()).serve(state);
  const variant = options.variant ?? {};
  const schema = sandboxSchemaOf(variant);
  const rules = variant.noIntrospection
    ? [...specifiedRules, NoSchemaIntrospectionCustomRule]
    : specifiedRules;
  const resolverOptions = {
    variant,
    namespace: options.namespace ?? 'sandbox',
    partnerName: options.partnerName ?? 'bigcommerce.com',
    onEventSourceCreated: options.onEventSourceCreated,
  };

  const handleGraphQL = async (request: IncomingMessage, response: ServerResponse, storeHash: string) => {
    const accounts = options.accounts.filter((account) => account.storeHash === storeHash);
    if (accounts.length === 0) return send(response, 404, { status: 404, title: 'Store not found' });
    const account = accounts.find((candidate) => candidate.token === request.headers['x-auth-token']);
    if (!account || revoked.has(storeHash))
      return send(response, 401, { status: 401, title: 'Unauthorized: invalid X-Auth-Token' });
    const verdict = quota.take(storeHash);
    if (!verdict.allowed) return sendQuotaSpent(response, verdict.headers);

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return send(response, 400, { errors: [{ message: 'expected a JSON body' }] });
    }
    const query = typeof body.query === 'string' ? body.query : '';
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    try {
      calls.push(describeCall(storeHash, query, operationName));
    } catch (error) {
      const message = error instanceof GraphQLError ? error.message : 'unparsable document';
      return send(response, 400, { errors: [{ message }] });
    }

    const fault = faults.take(query);
    if (fault?.delayMs) await delay(fault.delayMs);
    if (fault?.drop) return void request.socket.destroy();
    if (fault?.status !== undefined && !fault.afterExecute)
      return sendFault(response, { ...fault, status: fault.status }, verdict.headers);

    // Parse, validate, execute, as any GraphQL server does: a document that does not validate against
    // the schema is refused whole, before its variables are looked at.
    const document = parse(query);
    const invalid = validate(schema, document, rules);
    const result =
      invalid.length > 0
        ? { errors: invalid }
        : await execute({
            schema,
            document,
            rootValue: createRoot(state, { storeHash, clientId: account.clientId }, resolverOptions),
            variableValues: (body.variables ?? {}) as Record<string, unknown>,
            operationName,
          });
    if (fault?.status !== undefined)
      return sendFault(response, { ...fault, status: fault.status }, verdict.headers);
    return send(response, 200, result, verdict.headers);
  };

  /** REST GETs of the stores' resources; faults match on `GET /v2/orders/5`. */
  const handleRest = async (request: IncomingMessage, response: ServerResponse, storeHash: string) => {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const prefix = `/stores/${storeHash}`;
    const path = `${url.pathname.slice(prefix.length)}${url.search}`;
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      restCalls.push({ storeHash, method: request.method ?? 'GET', path, status });
      return send(response, status, body, headers);
    };
    const accounts = options.accounts.filter((account) => account.storeHash === storeHash);
    if (accounts.length === 0) return answer(404, { status: 404, title: 'Store not found' });
    const authorized = accounts.some((candidate) => candidate.token === request.headers['x-auth-token']);
    if (!authorized || revoked.has(storeHash)) {
      return answer(401, { status: 401, title: 'Unauthorized: invalid X-Auth-Token' });
    }
    const verdict = quota.take(storeHash);
    if (!verdict.allowed) return answer(429, { status: 429, title: 'Too many requests' }, verdict.headers);
    const fault = faults.take(`${request.method} ${path}`);
    if (fault?.delayMs) await delay(fault.delayMs);
    if (fault?.drop) return void request.socket.destroy();
    if (fault?.status !== undefined) {
      restCalls.push({ storeHash, method: request.method ?? 'GET', path, status: fault.status });
      return sendFault(response, { ...fault, status: fault.status }, verdict.headers);
    }
    if (request.method !== 'GET') return answer(405, { status: 405, title: 'The sandbox serves GET only' });
    const result = answerRest(resources, storeHash, url, prefix);
    return answer(result.status, result.body, verdict.headers);
  };

  const handleControl = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/__sandbox/state' && request.method === 'GET') {
      return send(response, 200, { eventSources: state.eventSources, webhooks: state.webhooks, calls });
    }
    if (request.url === '/__sandbox/faults' && request.method === 'POST') {
      faults.add(JSON.parse(await readBody(request)) as Fault);
      return send(response, 202, { pending: faults.size });
    }
    if (request.url === '/__sandbox/fire' && request.method === 'POST') {
      const fire = JSON.parse(await readBody(request)) as FireRequest;
      const publish = options.publishPartnerEvents ?? noPublisher;
      try {
        return send(response, 200, await fireEvent(state, fire, publish, resources, httpsDeliveryOf(state)));
      } catch (error) {
        if (error instanceof FireRequestError) return send(response, 400, { title: error.message });
        if (error instanceof NoPublisherError) return send(response, 501, { title: error.message });
        throw error;
      }
    }
    if (request.url === '/__sandbox/quota' && request.method === 'POST') {
      const { exhaust, ...settings } = JSON.parse(await readBody(request)) as Partial<QuotaSettings> & {
        exhaust?: string;
      };
      if (Object.keys(settings).length > 0) quota.configure(settings);
      if (exhaust) quota.exhaust(exhaust);
      return send(response, 200, quota.settings);
    }
    if (request.url === '/__sandbox/revoke' && request.method === 'POST') {
      const { storeHash } = JSON.parse(await readBody(request)) as { storeHash: string };
      revoked.add(storeHash);
      return send(response, 200, { revoked: [...revoked] });
    }
    if (request.url === '/__sandbox/faults' && request.method === 'DELETE') {
      faults.clear();
      return send(response, 200, { pending: 0 });
    }
    return send(response, 404, { status: 404, title: 'Not found' });
  };

  const server = createServer((request, response) => {
    const storeHash = GRAPHQL_PATH.exec(request.url ?? '')?.[1];
    const restStore = REST_PATH.exec(request.url ?? '')?.[1];
    const work =
      storeHash && request.method === 'POST'
        ? handleGraphQL(request, response, storeHash)
        : restStore
          ? handleRest(request, response, restStore)
          : handleControl(request, response);
    work.catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { status: 500, title: String(error) });
    });
  });

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    state,
    faults,
    calls,
    resources,
    quota,
    restCalls,
    // Read at each use: configureHttpsDelivery may have replaced it since.
    get https() {
      return httpsDeliveryOf(state);
    },
    revokeToken: (storeHash) => void revoked.add(storeHash),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
