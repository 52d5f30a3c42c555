import type { Dialect } from './dialect.js';

/**
 * The Admin GraphQL documents provision sends, built from a store's {@link Dialect}: the operation and field
 * names of BigCommerce's EventBridge guide (createEventSource, createEventBridgeWebhook, store.webhooks,
 * deleteWebhook) and of its HTTPS guide (createHttpsWebhook), with what the docs leave open (the webhook type's name, `errors` selections, the update
 * mutation) taken from the store's own schema by the preflight.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws
 */
export interface Documents {
  createEventSource: string;
  listWebhooks: string;
  /** `count` createEventBridgeWebhook calls in one round trip (aliases `m0`, `m1`, ...). */
  createWebhooks(count: number): string;
  /** `count` updateEventBridgeWebhook calls (`{id, data: {...}}`); only where the dialect has the mutation. */
  updateWebhooks(count: number): string;
  /** `count` deleteWebhook calls. */
  deleteWebhooks(count: number): string;
  /** `count` createHttpsWebhook calls (reference §9: input `{scope, destination}`, verified). */
  createHttpsWebhooks(count: number): string;
}

/** One mutation document carrying `count` aliased calls (`m0`, `m1`, ...) of one `webhook` field. */
const aliased = (
  operation: string,
  call: (i: number) => string,
  variable: (i: number) => string,
  count: number,
) => {
  const indexes = Array.from({ length: count }, (_, i) => i);
  return `mutation ${operation}(${indexes.map(variable).join(', ')}) {
  webhook {
${indexes.map((i) => `    m${i}: ${call(i)}`).join('\n')}
  }
}`;
};

/** The documents of one dialect. */
export const documentsOf = (dialect: Dialect): Documents => ({
  createEventSource: `mutation createEventSource($input: CreateEventSourceInput!) {
  webhook {
    createEventSource(input: $input) {
      eventSource { id awsAccount arn eventSourceName eventSourceRegion }
      ${dialect.errors.createEventSource}
    }
  }
}`,
  listWebhooks: `query listWebhooks($first: Int!, $after: String) {
  store {
    webhooks(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { ${dialect.nodeSelection} } }
    }
  }
}`,
  createWebhooks: (count) =>
    aliased(
      'createEventBridgeWebhooks',
      (i) =>
        `createEventBridgeWebhook(input: $i${i}) { webhook { ${dialect.webhookSelection} } ${dialect.errors.createWebhook} }`,
      (i) => `$i${i}: CreateEventBridgeWebhookInput!`,
      count,
    ),
  updateWebhooks: (count) =>
    aliased(
      'updateEventBridgeWebhooks',
      (i) =>
        `updateEventBridgeWebhook(input: $i${i}) { webhook { ${dialect.webhookSelection} } ${dialect.errors.updateWebhook} }`,
      (i) => `$i${i}: UpdateEventBridgeWebhookInput!`,
      count,
    ),
  deleteWebhooks: (count) =>
    aliased(
      'deleteWebhooks',
      (i) => `deleteWebhook(id: $i${i}) { id ${dialect.errors.deleteWebhook} }`,
      (i) => `$i${i}: ID!`,
      count,
    ),
  createHttpsWebhooks: (count) =>
    aliased(
      'createHttpsWebhooks',
      (i) =>
        `createHttpsWebhook(input: $i${i}) { webhook { __typename ${dialect.httpsWebhookSelection} } ${dialect.errors.createHttpsWebhook} }`,
      (i) => `$i${i}: CreateHttpsWebhookInput!`,
      count,
    ),
});

/** The documents a run of each kind may send: a run is stopped at preflight only by those. */
export const DOCUMENTS_FOR = {
  /** EventBridge provisioning (it also deletes the store's HTTPS webhooks when switching from HTTPS). */
  eventbridge: [
    'createEventSource',
    'listWebhooks',
    'createEventBridgeWebhook',
    'updateEventBridgeWebhook',
    'deleteWebhook',
  ],
  /** HTTPS provisioning: no event source and no EventBridge webhook (an inactive one is deleted and created again). */
  https: ['listWebhooks', 'createHttpsWebhook', 'deleteWebhook'],
  /** Status only reads. */
  status: ['listWebhooks'],
  teardown: ['listWebhooks', 'deleteWebhook'],
} as const satisfies Record<string, readonly string[]>;

/** Every document a run may send, one alias each, by name: what the preflight validates. */
export const documentsToCheck = (dialect: Dialect): Record<string, string> => {
  const documents = documentsOf(dialect);
  return {
    createEventSource: documents.createEventSource,
    listWebhooks: documents.listWebhooks,
    createEventBridgeWebhook: documents.createWebhooks(1),
    ...(dialect.updateMutation && { updateEventBridgeWebhook: documents.updateWebhooks(1) }),
    deleteWebhook: documents.deleteWebhooks(1),
    createHttpsWebhook: documents.createHttpsWebhooks(1),
  };
};
