import { PermanentError } from '../../errors.js';
import type { StoreGraphQL } from './client.js';
import {
  createEventBridgeWebhooksDocument,
  deleteWebhooksDocument,
  LIST_WEBHOOKS,
  updateEventBridgeWebhooksDocument,
} from './documents.js';
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
  /** Only EventBridge webhooks have one here (the event source ARN). */
  destination: string | undefined;
  active: boolean;
}

/** The outcome of one aliased call: the webhook, or the union errors BigCommerce returned for it. */
export type WebhookOutcome = { ok: true; webhook: StoreWebhook } | { ok: false; errors: UnionError[] };

const PAGE_SIZE = 50;
/** Aliases per document: keeps each request small against BigCommerce's complexity limit. */
const ALIASES_PER_DOCUMENT = 10;

const toWebhook = (node: {
  id: string;
  scope: string;
  status?: string | null;
  destination?: string | null;
  isActive?: boolean | null;
}): StoreWebhook => ({
  id: node.id,
  scope: node.scope,
  destination: node.destination ?? undefined,
  active: node.isActive ?? node.status === 'ACTIVE',
});

const chunks = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / ALIASES_PER_DOCUMENT) }, (_, i) =>
    items.slice(i * ALIASES_PER_DOCUMENT, (i + 1) * ALIASES_PER_DOCUMENT),
  );

const variablesOf = (inputs: unknown[]) => Object.fromEntries(inputs.map((input, i) => [`i${i}`, input]));

/** Every webhook of the store visible to this token, all pages. */
export const listWebhooks = async (gql: StoreGraphQL): Promise<StoreWebhook[]> => {
  const webhooks: StoreWebhook[] = [];
  let after: string | undefined;
  for (;;) {
    const data = await gql.request(LIST_WEBHOOKS, { first: PAGE_SIZE, after }, ListWebhooksResponseSchema);
    const page = data.store.webhooks;
    webhooks.push(...page.edges.map((edge) => toWebhook(edge.node)));
    if (!page.pageInfo.hasNextPage) return webhooks;
    if (!page.pageInfo.endCursor) throw new PermanentError('listWebhooks: a next page without a cursor');
    after = page.pageInfo.endCursor;
  }
};

const runAliased = async (gql: StoreGraphQL, document: (n: number) => string, inputs: unknown[]) => {
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
  gql: StoreGraphQL,
  inputs: { scope: string; destination: string; isActive: boolean }[],
) => runAliased(gql, createEventBridgeWebhooksDocument, inputs);

/** Sets `isActive` on webhooks by id, batched like {@link createEventBridgeWebhooks}. */
export const setWebhooksActive = (gql: StoreGraphQL, ids: string[], isActive: boolean) =>
  runAliased(
    gql,
    updateEventBridgeWebhooksDocument,
    ids.map((id) => ({ id, data: { isActive } })),
  );

/** Deletes webhooks by id; one entry of union errors per id (none = deleted). */
export const deleteWebhooks = async (gql: StoreGraphQL, ids: string[]): Promise<UnionError[][]> => {
  const results: UnionError[][] = [];
  for (const chunk of chunks(ids)) {
    const data = await gql.request(
      deleteWebhooksDocument(chunk.length),
      variablesOf(chunk),
      AliasedDeletesResponseSchema,
    );
    chunk.forEach((_, i) => {
      results.push(data.webhook[`m${i}`]?.errors ?? [{ __typename: 'MissingPayload' }]);
    });
  }
  return results;
};
