import { PermanentError } from '../../errors.js';
import type { StoreApi } from './client.js';
import { HTTPS_WEBHOOK_TYPE } from './dialect.js';
import {
  AliasedDeletesResponseSchema,
  AliasedWebhooksResponseSchema,
  ListWebhooksResponseSchema,
  type UnionError,
} from './schemas.js';

/** A webhook of the store, as provision needs it. */
export interface StoreWebhook {
  id: string;
  scope: string;
  /** The event source ARN of an EventBridge webhook, the URL of an HTTPS one; none for other transports. */
  destination: string | undefined;
  /** `https` for an HttpsWebhook node; `eventbridge` for any other with a destination (its type is a guess). */
  transport: 'eventbridge' | 'https' | undefined;
  /** True only for an active webhook: any other status (INACTIVE, DEACTIVATED, ...) needs reactivating. */
  active: boolean;
  /** The status as BigCommerce reported it, when it did. */
  status?: string;
}

/** The outcome of one aliased call: the webhook, or the union errors BigCommerce returned for it. */
export type WebhookOutcome = { ok: true; webhook: StoreWebhook } | { ok: false; errors: UnionError[] };

const PAGE_SIZE = 50;
/** Aliases per document: keeps each request small against BigCommerce's complexity limit. */
const ALIASES_PER_DOCUMENT = 10;

const toWebhook = (node: {
  __typename?: string | undefined;
  id: string;
  scope: string;
  status?: string | null;
  destination?: string | null;
  isActive?: boolean | null;
}): StoreWebhook => ({
  id: node.id,
  scope: node.scope,
  destination: node.destination ?? undefined,
  transport: node.__typename === HTTPS_WEBHOOK_TYPE ? 'https' : node.destination ? 'eventbridge' : undefined,
  // Both must say active where both are given: a status other than ACTIVE is not active, whatever isActive says.
  active:
    (node.isActive ?? true) &&
    (node.status ? node.status.toUpperCase() === 'ACTIVE' : node.isActive === true),
  ...(node.status && { status: node.status }),
});

const chunks = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / ALIASES_PER_DOCUMENT) }, (_, i) =>
    items.slice(i * ALIASES_PER_DOCUMENT, (i + 1) * ALIASES_PER_DOCUMENT),
  );

const variablesOf = (inputs: unknown[]) => Object.fromEntries(inputs.map((input, i) => [`i${i}`, input]));

/** Every webhook of the store visible to this token, all pages. */
export const listWebhooks = async (gql: StoreApi): Promise<StoreWebhook[]> => {
  const webhooks: StoreWebhook[] = [];
  let after: string | undefined;
  for (;;) {
    const data = await gql.request(
      gql.documents.listWebhooks,
      { first: PAGE_SIZE, after },
      ListWebhooksResponseSchema,
    );
    const page = data.store.webhooks;
    webhooks.push(...page.edges.map((edge) => toWebhook(edge.node)));
    if (!page.pageInfo.hasNextPage) return webhooks;
    if (!page.pageInfo.endCursor) throw new PermanentError('listWebhooks: a next page without a cursor');
    after = page.pageInfo.endCursor;
  }
};

const runAliased = async (gql: StoreApi, document: (n: number) => string, inputs: unknown[]) => {
  const outcomes: WebhookOutcome[] = [];
  for (const chunk of chunks(inputs)) {
    const data = await gql.request(document(chunk.length), variablesOf(chunk), AliasedWebhooksResponseSchema);
    chunk.forEach((_, i) => {
      const payload = data.webhook[`m${i}`];
      if (payload?.webhook && payload.errors.length === 0) {
        outcomes.push({ ok: true, webhook: toWebhook(payload.webhook) });
      } else {
        outcomes.push({ ok: false, errors: payload?.errors ?? [{ __typename: 'MissingPayload' }] });
      }
    });
  }
  return outcomes;
};

/**
 * Creates EventBridge webhooks, up to ten per round trip as GraphQL aliases; one outcome per input, in order.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws#create-an-amazon-eventbridge-webhook
 */
export const createEventBridgeWebhooks = (
  gql: StoreApi,
  inputs: { scope: string; destination: string; isActive: boolean }[],
) => runAliased(gql, gql.documents.createWebhooks, inputs);

/**
 * Creates HTTPS webhooks (input `{scope, destination}`, as BigCommerce's HTTPS guide shows it), batched like
 * {@link createEventBridgeWebhooks}; one outcome per input, in order.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/https-webhook-overview
 */
export const createHttpsWebhooks = (gql: StoreApi, inputs: { scope: string; destination: string }[]) =>
  runAliased(gql, gql.documents.createHttpsWebhooks, inputs);

/** Sets `isActive` on webhooks by id, batched like {@link createEventBridgeWebhooks}. */
export const setWebhooksActive = (gql: StoreApi, ids: string[], isActive: boolean) =>
  runAliased(
    gql,
    gql.documents.updateWebhooks,
    ids.map((id) => ({ id, data: { isActive } })),
  );

/** Deletes webhooks by id; one entry of union errors per id (none = deleted). */
export const deleteWebhooks = async (gql: StoreApi, ids: string[]): Promise<UnionError[][]> => {
  const results: UnionError[][] = [];
  for (const chunk of chunks(ids)) {
    const data = await gql.request(
      gql.documents.deleteWebhooks(chunk.length),
      variablesOf(chunk),
      AliasedDeletesResponseSchema,
    );
    chunk.forEach((_, i) => {
      results.push(data.webhook[`m${i}`]?.errors ?? [{ __typename: 'MissingPayload' }]);
    });
  }
  return results;
};

/**
 * Makes inactive webhooks of one transport active: with the update mutation where the store's schema has one, otherwise by
 * deleting each and creating it again (it gets a new id). One outcome per webhook, in order.
 */
export const reactivateWebhooks = async (gql: StoreApi, hooks: StoreWebhook[]): Promise<WebhookOutcome[]> => {
  // HTTPS webhooks: their update mutation is not documented, so they are deleted and created again.
  const https = hooks.length > 0 && hooks.every((hook) => hook.transport === 'https');
  if (gql.dialect.updateMutation && !https) {
    return setWebhooksActive(
      gql,
      hooks.map((hook) => hook.id),
      true,
    );
  }
  const deleted = await deleteWebhooks(
    gql,
    hooks.map((hook) => hook.id),
  );
  const gone = (i: number) => (deleted[i] ?? []).every((error) => error.__typename === 'EntityNotFoundError');
  const recreate = hooks.filter((_, i) => gone(i));
  const created = https
    ? await createHttpsWebhooks(
        gql,
        recreate.map((hook) => ({ scope: hook.scope, destination: hook.destination ?? '' })),
      )
    : await createEventBridgeWebhooks(
        gql,
        recreate.map((hook) => ({ scope: hook.scope, destination: hook.destination ?? '', isActive: true })),
      );
  let next = 0;
  return hooks.map((_, i): WebhookOutcome => {
    if (!gone(i)) return { ok: false, errors: deleted[i] ?? [] };
    const outcome = created[next] ?? { ok: false, errors: [{ __typename: 'MissingPayload' }] };
    next += 1;
    return outcome;
  });
};
