/**
 * The Admin GraphQL documents provision sends, with the field names of BigCommerce's EventBridge guide.
 * Where the public docs are silent (update input shape, the EventBridge webhook type name, error union
 * members) the names follow the PubSub/HTTPS equivalents; see reference/bigcommerce-webhooks.md §1.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws
 */

const WEBHOOK_FIELDS = 'id scope destination isActive createdAt';

export const CREATE_EVENT_SOURCE = `mutation createEventSource($input: CreateEventSourceInput!) {
  webhook {
    createEventSource(input: $input) {
      eventSource { id awsAccount arn eventSourceName eventSourceRegion }
      errors { __typename ... on AlreadyExistsError { message } ... on ValidationError { message } }
    }
  }
}`;

export const LIST_WEBHOOKS = `query listWebhooks($first: Int!, $after: String) {
  store {
    webhooks(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { id scope status ... on EventBridgeWebhook { destination isActive } } }
    }
  }
}`;

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

const CREATE_ERRORS =
  'errors { __typename ... on AlreadyExistsError { message } ... on ValidationError { message } }';

/** `count` createEventBridgeWebhook calls in one round trip. */
export const createEventBridgeWebhooksDocument = (count: number) =>
  aliased(
    'createEventBridgeWebhooks',
    (i) => `createEventBridgeWebhook(input: $i${i}) { webhook { ${WEBHOOK_FIELDS} } ${CREATE_ERRORS} }`,
    (i) => `$i${i}: CreateEventBridgeWebhookInput!`,
    count,
  );

/** `count` updateEventBridgeWebhook calls (`{id, data: {...}}`) in one round trip. */
export const updateEventBridgeWebhooksDocument = (count: number) =>
  aliased(
    'updateEventBridgeWebhooks',
    (i) =>
      `updateEventBridgeWebhook(input: $i${i}) { webhook { ${WEBHOOK_FIELDS} } errors { __typename ... on EntityNotFoundError { message } ... on ValidationError { message } } }`,
    (i) => `$i${i}: UpdateEventBridgeWebhookInput!`,
    count,
  );

/** `count` deleteWebhook calls in one round trip. */
export const deleteWebhooksDocument = (count: number) =>
  aliased(
    'deleteWebhooks',
    (i) => `deleteWebhook(id: $i${i}) { id errors { __typename ... on EntityNotFoundError { message } } }`,
    (i) => `$i${i}: ID!`,
    count,
  );
