import { z } from 'zod';

/** A member of a mutation payload's typed `errors` union. */
export const UnionErrorSchema = z.object({ __typename: z.string(), message: z.string().optional() });
export type UnionError = z.infer<typeof UnionErrorSchema>;

const Errors = z
  .array(UnionErrorSchema)
  .nullish()
  .transform((errors) => errors ?? []);

/**
 * An event source as `createEventSource` returns it.
 * @example { "id": "bc/store/eventSource/9", "arn": "arn:aws:us-east-1::event-source/aws.partner/bigcommerce.com/test/75fq.../final-test-1", "eventSourceName": "final-test-1" }
 */
export const EventSourceSchema = z.object({
  id: z.string(),
  arn: z.string(),
  eventSourceName: z.string(),
  awsAccount: z.string().optional(),
  eventSourceRegion: z.string().optional(),
});

export const CreateEventSourceResponseSchema = z.object({
  webhook: z.object({
    createEventSource: z.object({ eventSource: EventSourceSchema.nullish(), errors: Errors }),
  }),
});

/**
 * A webhook node of `store.webhooks`; `destination`/`isActive` only for EventBridge webhooks.
 * @example { "id": "bc/store/webhook/29458", "scope": "store/category/updated", "status": "ACTIVE", "destination": "arn:aws:events:us-east-1::event-source/aws.partner/...", "isActive": true }
 */
export const WebhookNodeSchema = z.object({
  id: z.string(),
  scope: z.string(),
  status: z.string().nullish(),
  destination: z.string().nullish(),
  isActive: z.boolean().nullish(),
});

export const ListWebhooksResponseSchema = z.object({
  store: z.object({
    webhooks: z.object({
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
      edges: z.array(z.object({ node: WebhookNodeSchema })),
    }),
  }),
});

const WebhookPayload = z.object({ webhook: WebhookNodeSchema.nullish(), errors: Errors });

/** The `webhook { m0: ..., m1: ... }` payload of an aliased webhook mutation. */
export const AliasedWebhooksResponseSchema = z.object({ webhook: z.record(z.string(), WebhookPayload) });

export const AliasedDeletesResponseSchema = z.object({
  webhook: z.record(z.string(), z.object({ id: z.string().nullish(), errors: Errors })),
});
