// zod/mini, as for every schema of the functions: it tree-shakes, classic zod does not.
import * as z from 'zod/mini';

/** A member of a mutation payload's typed `errors` union. */
export const UnionErrorSchema = z.object({ __typename: z.string(), message: z.optional(z.string()) });
export type UnionError = z.infer<typeof UnionErrorSchema>;

const Errors = z.pipe(
  z.nullish(z.array(UnionErrorSchema)),
  z.transform((errors: UnionError[] | null | undefined) => errors ?? []),
);

/**
 * An event source as `createEventSource` returns it.
 * @example { "id": "bc/store/eventSource/9", "arn": "arn:aws:us-east-1::event-source/aws.partner/bigcommerce.com/test/75fq.../final-test-1", "eventSourceName": "final-test-1" }
 */
export const EventSourceSchema = z.object({
  id: z.string(),
  arn: z.string(),
  eventSourceName: z.string(),
  awsAccount: z.optional(z.string()),
  eventSourceRegion: z.optional(z.string()),
});

export const CreateEventSourceResponseSchema = z.object({
  webhook: z.object({
    createEventSource: z.object({ eventSource: z.nullish(EventSourceSchema), errors: Errors }),
  }),
});

/**
 * A webhook node of `store.webhooks`; `destination`/`isActive` only for EventBridge and HTTPS webhooks.
 * @example { "id": "bc/store/webhook/29458", "scope": "store/category/updated", "status": "ACTIVE", "destination": "arn:aws:events:us-east-1::event-source/aws.partner/...", "isActive": true }
 */
export const WebhookNodeSchema = z.object({
  __typename: z.optional(z.string()),
  id: z.string(),
  scope: z.string(),
  status: z.nullish(z.string()),
  destination: z.nullish(z.string()),
  isActive: z.nullish(z.boolean()),
});

export const ListWebhooksResponseSchema = z.object({
  store: z.object({
    webhooks: z.object({
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.nullish(z.string()) }),
      edges: z.array(z.object({ node: WebhookNodeSchema })),
    }),
  }),
});

const WebhookPayload = z.object({ webhook: z.nullish(WebhookNodeSchema), errors: Errors });

/** The `webhook { m0: ..., m1: ... }` payload of an aliased webhook mutation. */
export const AliasedWebhooksResponseSchema = z.object({ webhook: z.record(z.string(), WebhookPayload) });

export const AliasedDeletesResponseSchema = z.object({
  webhook: z.record(z.string(), z.object({ id: z.nullish(z.string()), errors: Errors })),
});
