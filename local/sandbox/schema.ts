import { buildSchema } from 'graphql';

/**
 * The slice of BigCommerce's Admin GraphQL schema that webhook provisioning uses, with the operation,
 * type and field names of BigCommerce's EventBridge guide and Postman collection. Names the public docs
 * do not show (the EventBridge update input, error union members) mirror the PubSub/HTTPS equivalents.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws
 */
export const sandboxSchema = buildSchema(/* GraphQL */ `
  scalar DateTime

  type Query {
    store: Store!
  }

  type Mutation {
    webhook: WebhookMutations!
  }

  type Store {
    webhooks(first: Int = 10, after: String): WebhooksConnection!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type WebhooksConnection {
    pageInfo: PageInfo!
    edges: [WebhookEdge!]!
  }

  type WebhookEdge {
    cursor: String!
    node: Webhook!
  }

  enum WebhookStatus {
    ACTIVE
    INACTIVE
  }

  interface Webhook {
    id: ID!
    scope: String!
    status: WebhookStatus!
    clientId: String!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type EventBridgeWebhook implements Webhook {
    id: ID!
    scope: String!
    status: WebhookStatus!
    clientId: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    destination: String!
    isActive: Boolean!
  }

  enum EventSourceRegion {
    US_EAST_1
    US_EAST_2
    US_WEST_1
    US_WEST_2
    CA_CENTRAL_1
    EU_CENTRAL_1
    EU_WEST_1
    EU_WEST_2
    EU_WEST_3
    EU_NORTH_1
    AP_EAST_1
    AP_NORTHEAST_1
    AP_NORTHEAST_2
    AP_SOUTHEAST_1
    AP_SOUTHEAST_2
    AP_SOUTH_1
    SA_EAST_1
  }

  type EventSource {
    id: ID!
    awsAccount: String!
    arn: String!
    eventSourceName: String!
    eventSourceRegion: EventSourceRegion!
  }

  interface Error {
    message: String!
  }

  type AlreadyExistsError implements Error {
    message: String!
  }

  type ValidationError implements Error {
    message: String!
    path: [String!]
  }

  type EntityNotFoundError implements Error {
    message: String!
    id: ID
  }

  input CreateEventSourceInput {
    awsAccount: String!
    eventSourceName: String!
    eventSourceRegion: EventSourceRegion!
    clientId: String!
  }

  union CreateEventSourceError = AlreadyExistsError | ValidationError

  type CreateEventSourceResult {
    eventSource: EventSource
    errors: [CreateEventSourceError!]!
  }

  input CreateEventBridgeWebhookInput {
    scope: String!
    destination: String!
    isActive: Boolean
  }

  union CreateEventBridgeWebhookError = AlreadyExistsError | ValidationError

  type CreateEventBridgeWebhookResult {
    webhook: EventBridgeWebhook
    errors: [CreateEventBridgeWebhookError!]!
  }

  input UpdateEventBridgeWebhookDataInput {
    scope: String
    destination: String
    isActive: Boolean
  }

  input UpdateEventBridgeWebhookInput {
    id: ID!
    data: UpdateEventBridgeWebhookDataInput!
  }

  union UpdateEventBridgeWebhookError = EntityNotFoundError | AlreadyExistsError | ValidationError

  type UpdateEventBridgeWebhookResult {
    webhook: EventBridgeWebhook
    errors: [UpdateEventBridgeWebhookError!]!
  }

  union DeleteWebhookError = EntityNotFoundError

  type DeleteWebhookResult {
    id: ID
    errors: [DeleteWebhookError!]!
  }

  type WebhookMutations {
    createEventSource(input: CreateEventSourceInput!): CreateEventSourceResult!
    createEventBridgeWebhook(input: CreateEventBridgeWebhookInput!): CreateEventBridgeWebhookResult!
    updateEventBridgeWebhook(input: UpdateEventBridgeWebhookInput!): UpdateEventBridgeWebhookResult!
    deleteWebhook(id: ID!): DeleteWebhookResult!
  }
`);
