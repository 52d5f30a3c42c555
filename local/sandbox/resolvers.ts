import { GraphQLError } from 'graphql';
import { type CreateHttpsWebhookInput, createHttpsWebhook } from './https-webhooks.js';
import { DEFAULT_EVENT_BRIDGE_TYPE, HTTPS_WEBHOOK_TYPE, type SchemaVariant } from './schema.js';
import type { SandboxEventSource, SandboxState, SandboxWebhook, UnionError } from './state.js';

/**
 * A mutation payload as the variant serves it: with its `errors` list, or, where payloads have no `errors`
 * field, the first error as a top-level GraphQL error (the field, and so the document's data, is null).
 */
const payloadOf = <P extends { errors: UnionError[] }>(payload: P, variant: SchemaVariant): P => {
  const [first] = payload.errors;
  if (variant.noErrorsFields && first) {
    throw new GraphQLError(`${first.__typename}: ${first.message}`, {
      extensions: { code: first.__typename },
    });
  }
  return payload;
};

/** Called when createEventSource makes a source, before it answers: lets the offline stack create the AWS side. */
export type EventSourceHook = (source: SandboxEventSource) => Promise<void> | void;

/**
 * The partner name in the source names the sandbox issues: createEventSource's example shows
 * `bigcommerce.com`; BigCommerce's bus and rule examples show `bigcommerce.com.test`, the name AWS gives
 * a partner's test sources (reference/bigcommerce-webhooks.md §8).
 */
export const PARTNER_NAMES = ['bigcommerce.com', 'bigcommerce.com.test'] as const;
export type PartnerName = (typeof PARTNER_NAMES)[number];

/** Who is calling: the store of the URL and the client id of the `X-Auth-Token`. */
export interface Caller {
  storeHash: string;
  clientId: string;
}

export interface ResolverOptions {
  /** The schema variant served: the webhook type's name, its status values, whether payloads have `errors`. */
  variant: SchemaVariant;
  /** The namespace segment of partner source names (BigCommerce's example shows `test`). */
  namespace: string;
  /** The partner segment of partner source names: `aws.partner/<partnerName>/...`. */
  partnerName: PartnerName;
  onEventSourceCreated: EventSourceHook | undefined;
}

const PAGE_LIMIT = 250;

const globalId = (hook: SandboxWebhook) => `bc/store/webhook/${hook.id}`;

const node = (hook: SandboxWebhook, variant: SchemaVariant) => ({
  __typename:
    hook.transport === 'https' ? HTTPS_WEBHOOK_TYPE : (variant.eventBridgeType ?? DEFAULT_EVENT_BRIDGE_TYPE),
  headers: Object.entries(hook.headers ?? {}).map(([key, value]) => ({ key, value })),
  id: globalId(hook),
  scope: hook.scope,
  status: hook.isActive ? 'ACTIVE' : variant.deactivatedStatus ? 'DEACTIVATED' : 'INACTIVE',
  clientId: hook.clientId,
  createdAt: hook.createdAt,
  updatedAt: hook.updatedAt,
  destination: hook.destination,
  isActive: hook.isActive,
});

const cursorOf = (hook: SandboxWebhook) => Buffer.from(`webhook:${hook.id}`).toString('base64');
const idOfCursor = (cursor: string) =>
  Number(Buffer.from(cursor, 'base64').toString('utf8').replace('webhook:', ''));

const invalid = (message: string): UnionError => ({ __typename: 'ValidationError', message });

interface CreateEventSourceArgs {
  input: { awsAccount: string; eventSourceName: string; eventSourceRegion: string; clientId: string };
}

const createEventSource = async (
  state: SandboxState,
  caller: Caller,
  options: ResolverOptions,
  { input }: CreateEventSourceArgs,
) => {
  const fail = (error: UnionError) => ({ eventSource: null, errors: [error] });
  if (input.clientId !== caller.clientId) return fail(invalid('clientId does not match the access token'));
  if (!/^\d{12}$/.test(input.awsAccount))
    return fail(invalid('awsAccount must be a 12-digit AWS account id'));
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(input.eventSourceName)) {
    return fail(invalid('eventSourceName must be 1-64 characters of A-Z a-z 0-9 . _ -'));
  }
  const region = input.eventSourceRegion.toLowerCase().replaceAll('_', '-');
  const eventSourceName = input.eventSourceName.toLowerCase();
  const name = `aws.partner/${options.partnerName}/${options.namespace}/${caller.clientId}/${eventSourceName}`;
  const clash = state.eventSources.some(
    (source) => source.name === name && source.awsAccount === input.awsAccount && source.region === region,
  );
  if (clash)
    return fail({ __typename: 'AlreadyExistsError', message: `event source ${name} already exists` });
  const source: SandboxEventSource = {
    id: `bc/store/eventSource/${state.newId()}`,
    storeHash: caller.storeHash,
    clientId: caller.clientId,
    awsAccount: input.awsAccount,
    region,
    name,
    arn: `arn:aws:${region}::event-source/${name}`,
    eventSourceName,
  };
  await options.onEventSourceCreated?.(source);
  state.eventSources.push(source);
  const { id, awsAccount, arn } = source;
  return {
    eventSource: { id, awsAccount, arn, eventSourceName, eventSourceRegion: input.eventSourceRegion },
    errors: [],
  };
};

/** The root value of one request: every resolver bound to the sandbox state and the caller. */
export const createRoot = (state: SandboxState, caller: Caller, options: ResolverOptions) => ({
  store: {
    webhooks: ({ first, after }: { first: number; after?: string | null }) => {
      if (first < 1 || first > PAGE_LIMIT)
        throw new GraphQLError(`first must be between 1 and ${PAGE_LIMIT}`);
      const from = after ? idOfCursor(after) : 0;
      const all = state.webhooksOf(caller.storeHash, caller.clientId).sort((a, b) => a.id - b.id);
      const rest = all.filter((hook) => hook.id > from);
      const page = rest.slice(0, first);
      const last = page.at(-1);
      return {
        pageInfo: {
          hasNextPage: rest.length > page.length,
          hasPreviousPage: from > 0,
          startCursor: page[0] ? cursorOf(page[0]) : null,
          endCursor: last ? cursorOf(last) : null,
        },
        edges: page.map((hook) => ({ cursor: cursorOf(hook), node: node(hook, options.variant) })),
      };
    },
  },
  webhook: {
    createEventSource: async (args: CreateEventSourceArgs) =>
      payloadOf(await createEventSource(state, caller, options, args), options.variant),
    createEventBridgeWebhook: ({
      input,
    }: {
      input: { scope: string; destination: string; isActive?: boolean | null };
    }) => {
      const result = state.createWebhook(caller.storeHash, caller.clientId, input);
      return payloadOf(
        'error' in result
          ? { webhook: null, errors: [result.error] }
          : { webhook: node(result.webhook, options.variant), errors: [] },
        options.variant,
      );
    },
    createHttpsWebhook: ({ input }: { input: CreateHttpsWebhookInput }) => {
      const result = createHttpsWebhook(state, caller.storeHash, caller.clientId, input);
      return payloadOf(
        'error' in result
          ? { webhook: null, errors: [result.error] }
          : { webhook: node(result.webhook, options.variant), errors: [] },
        options.variant,
      );
    },
    updateEventBridgeWebhook: ({
      input,
    }: {
      input: {
        id: string;
        data: { scope?: string | null; destination?: string | null; isActive?: boolean | null };
      };
    }) => {
      const hook = state.findWebhook(caller.storeHash, caller.clientId, input.id);
      if (!hook) {
        const errors: UnionError[] = [
          { __typename: 'EntityNotFoundError', message: `webhook ${input.id} not found` },
        ];
        return payloadOf({ webhook: null, errors }, options.variant);
      }
      if (input.data.isActive !== undefined && input.data.isActive !== null)
        hook.isActive = input.data.isActive;
      if (input.data.scope) hook.scope = input.data.scope;
      if (input.data.destination) hook.destination = input.data.destination;
      hook.updatedAt = new Date().toISOString();
      return { webhook: node(hook, options.variant), errors: [] };
    },
    deleteWebhook: ({ id }: { id: string }) =>
      payloadOf(
        state.deleteWebhook(caller.storeHash, caller.clientId, id)
          ? { id, errors: [] as UnionError[] }
          : {
              id: null,
              errors: [{ __typename: 'EntityNotFoundError' as const, message: `webhook ${id} not found` }],
            },
        options.variant,
      ),
  },
});
