/**
 * Helpers for handler tests (`npm run new-handler` writes tests that use them): a valid, typed event of
 * any scope built from its documented sample, and a handler context that records what the handler logs.
 * Test code only: no deployed bundle imports this file.
 */
import type {
  BigCommerceEvent,
  EventBridgeDelivery,
  EventBridgeEnvelope,
  HandlerContext,
  HandlerContextBase,
  HttpsDelivery,
} from '../../functions/consume/handlers/types.js';
import { BigCommercePayloadSchema, describeIssues } from '../../shared/bigcommerce/envelope.js';
import type {
  BigCommerceClient,
  HttpMethod,
  ResourceEvent,
  ResourceOf,
  ResourceScope,
  RestRequest,
} from '../../shared/bigcommerce/rest/index.js';
import { sampleData, samplePayload } from '../../shared/bigcommerce/samples.js';
import {
  type CatalogScope,
  type PayloadScope,
  type ScopeData,
  schemaOf,
} from '../../shared/bigcommerce/scopes/index.js';

/** Every field optional, at every depth; arrays are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** What a test may change in a sample event. */
export interface SampleEventOptions<S extends CatalogScope> {
  /** Merged into the documented sample `data` (objects field by field, arrays and values replaced). */
  data?: DeepPartial<ScopeData<S>>;
  /** The store the event comes from (its `producer`); default `abc123`. */
  storeHash?: string;
  /** The channel id a `store/channel/{channel_id}/...` scope carries; default 1. */
  channelId?: number;
  /** Seconds since the epoch; default a fixed instant, so the event's `hash` is the same on every run. */
  createdAt?: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const merge = (base: unknown, patch: unknown): unknown => {
  if (!isRecord(base) || !isRecord(patch)) return patch === undefined ? base : patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = merge(base[key], value);
  return merged;
};

/** The fixed `created_at` of sample events (2026-12-01T00:00:00Z). */
export const SAMPLE_CREATED_AT = 1_796_083_200;

/**
 * A valid event of `scope`, typed for it: the documented sample payload with `options.data` merged in. It
 * is checked against the scope's schema, as the consumer checks a real event, so an override the consumer
 * would reject throws here, naming the field.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
export const sampleEvent = <S extends CatalogScope>(
  scope: S,
  options: SampleEventOptions<S> = {},
): BigCommerceEvent<S> => {
  const data = merge(sampleData(scope), options.data);
  const checked = schemaOf(scope).safeParse(data);
  if (!checked.success) throw new Error(`sampleEvent(${scope}): ${describeIssues(checked.error)}`);
  const payload = samplePayload({
    scope: scope.replace('{channel_id}', String(options.channelId ?? 1)),
    data: checked.data,
    storeHash: options.storeHash ?? 'abc123',
    createdAt: options.createdAt ?? SAMPLE_CREATED_AT,
  });
  const envelope = BigCommercePayloadSchema.safeParse(payload);
  if (!envelope.success) throw new Error(`sampleEvent(${scope}): ${describeIssues(envelope.error)}`);
  return { ...payload, scope: payload.scope as PayloadScope<S>, data: checked.data as ScopeData<S> };
};

/** One call a handler made through the fake client, in the order it made them. */
export type FakeCall =
  | { kind: 'request'; method: HttpMethod; path: string; request: RestRequest | undefined }
  | { kind: 'graphql'; query: string; variables: Record<string, unknown> | undefined }
  | { kind: 'fetchResource'; scope: string; data: unknown };

/** A JSON body a fake call resolves with. */
export type FakeBody = object | string | number | boolean | null;

/** A programmed answer: the value to resolve with, an Error to reject with, or a function of the call. */
export type FakeAnswer<T, Call> = T | Error | ((call: Call) => T | Promise<T>);

/**
 * A {@link BigCommerceClient} a test programs: each call resolves with the answer programmed for it,
 * rejects with it when it is an Error (`new BigCommerceNotFoundError(store, path)` for a deleted
 * resource), and a call with no answer rejects naming the call, so a handler never reads a made-up value.
 * Every call is recorded in `calls`.
 */
export interface FakeBigCommerce extends BigCommerceClient {
  readonly calls: FakeCall[];
  /** Answers `fetchResource` for events of `scope`. */
  onFetch<S extends ResourceScope>(scope: S, answer: FakeAnswer<ResourceOf<S>, ResourceEvent<S>>): this;
  /** Answers `request(method, path)` (and `get(path)` for GET), whatever the query. */
  onRequest(method: HttpMethod, path: string, answer: FakeAnswer<FakeBody, RestRequest | undefined>): this;
  /** Answers every `graphql` call. */
  onGraphql(
    answer: FakeAnswer<FakeBody, { query: string; variables: Record<string, unknown> | undefined }>,
  ): this;
}

const answerWith = async <T, Call>(
  answer: FakeAnswer<T, Call> | undefined,
  call: Call,
  what: string,
): Promise<T> => {
  if (answer === undefined) throw new Error(`fake BigCommerce: no answer programmed for ${what}`);
  if (answer instanceof Error) throw answer;
  return typeof answer === 'function' ? (answer as (call: Call) => T | Promise<T>)(call) : answer;
};

/** A programmable fake BigCommerce client for store `storeHash`, with nothing programmed. */
export const fakeBigCommerce = (storeHash = 'abc123'): FakeBigCommerce => {
  const calls: FakeCall[] = [];
  const fetches = new Map<string, FakeAnswer<unknown, never>>();
  const requests = new Map<string, FakeAnswer<unknown, RestRequest | undefined>>();
  let graphqlAnswer:
    | FakeAnswer<unknown, { query: string; variables: Record<string, unknown> | undefined }>
    | undefined;
  const fake: FakeBigCommerce = {
    storeHash,
    calls,
    onFetch(scope, answer) {
      fetches.set(scope, answer as FakeAnswer<unknown, never>);
      return fake;
    },
    onRequest(method, path, answer) {
      requests.set(`${method} ${path}`, answer);
      return fake;
    },
    onGraphql(answer) {
      graphqlAnswer = answer;
      return fake;
    },
    request: async <T>(method: HttpMethod, path: string, request?: RestRequest) => {
      calls.push({ kind: 'request', method, path, request });
      return (await answerWith(requests.get(`${method} ${path}`), request, `${method} ${path}`)) as T;
    },
    get: <T>(path: string, query?: RestRequest['query']) =>
      fake.request<T>('GET', path, query === undefined ? undefined : { query }),
    graphql: async <T>(query: string, variables?: Record<string, unknown>) => {
      calls.push({ kind: 'graphql', query, variables });
      return (await answerWith(graphqlAnswer, { query, variables }, 'graphql')) as T;
    },
    fetchResource: async <S extends ResourceScope>(event: ResourceEvent<S>) => {
      calls.push({ kind: 'fetchResource', scope: event.scope, data: event.data });
      const answer = fetches.get(event.scope) as FakeAnswer<ResourceOf<S>, ResourceEvent<S>> | undefined;
      return answerWith(answer, event, `fetchResource(${event.scope})`);
    },
  };
  return fake;
};

/** One line a handler logged through its context's logger. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** The extra objects of the call, merged. */
  extra: Record<string, unknown>;
}

/** A handler context for a test, with every line its logger wrote in `logs`. */
export type TestHandlerContext = HandlerContext & { logs: LoggedLine[]; bigcommerce: FakeBigCommerce };

/**
 * What a test may set in its context: any field, the fake client to use, and the transport (default
 * `eventbridge`; `{ transport: 'https' }` gives an HTTPS delivery's context, with a sample `webhookId`).
 */
export type HandlerContextOptions = Partial<Omit<HandlerContextBase, 'bigcommerce'>> & {
  bigcommerce?: FakeBigCommerce;
} & (
    | { transport?: 'eventbridge'; eventBridge?: EventBridgeEnvelope; https?: undefined }
    | { transport: 'https'; https?: { webhookId: string }; eventBridge?: undefined }
  );

/** The envelope of a sample EventBridge delivery of store `storeHash`. */
const sampleEventBridge = (storeHash: string): EventBridgeEnvelope => ({
  id: '7ad6d4d4-2b1d-4d4c-9f0e-2b7d3c9a1e55',
  source: `aws.partner/bigcommerce.com/bigcommerce-webhooks-dev-${storeHash}`,
  account: '123456789012',
  region: 'us-east-1',
  time: '2026-12-01T00:00:00Z',
  resources: [],
});

/**
 * A context as the consumer builds it for a record of store `abc123` (override any field), whose logger
 * records its lines in `logs` for the test to assert on, and whose `bigcommerce` is a
 * {@link fakeBigCommerce} of that store (program it: `context.bigcommerce.onFetch(scope, order)`).
 */
export const handlerContext = (overrides: HandlerContextOptions = {}): TestHandlerContext => {
  const { transport, eventBridge, https, bigcommerce, ...fields } = overrides;
  const storeHash = fields.storeHash ?? 'abc123';
  const logs: LoggedLine[] = [];
  const write =
    (level: LoggedLine['level']) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      logs.push({ level, message, extra: Object.assign({}, ...extra) });
    };
  const delivery: EventBridgeDelivery | HttpsDelivery =
    transport === 'https'
      ? { transport, https: https ?? { webhookId: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' } }
      : { transport: 'eventbridge', eventBridge: eventBridge ?? sampleEventBridge(storeHash) };
  return {
    logger: { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') },
    storeHash,
    channelId: undefined,
    messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    ...fields,
    ...delivery,
    bigcommerce: bigcommerce ?? fakeBigCommerce(storeHash),
    logs,
  };
};
