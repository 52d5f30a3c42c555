import * as z from 'zod/mini';

/**
 * The BigCommerce webhook payload, the same for every transport.
 *
 * @example
 * {
 *   "scope": "store/category/updated",
 *   "store_id": "1025646",
 *   "data": { "type": "category", "id": 42 },
 *   "hash": "3f9ea420af83450d7ef9f78b08c8af25b2213637",
 *   "created_at": 1561482670,
 *   "producer": "stores/k7q2m9x4p1"
 * }
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events#callback-structure
 */
export const BigCommercePayloadSchema = z.object({
  scope: z.string().check(z.minLength(1)),
  store_id: z.string().check(z.minLength(1)),
  data: z.unknown(),
  hash: z.string().check(z.regex(/^[0-9a-f]{40}$/i, 'expected a 40-character hex SHA-1')),
  created_at: z.optional(z.int().check(z.nonnegative())),
  producer: z.string().check(z.regex(/^stores\/[A-Za-z0-9]+$/, 'expected "stores/{store_hash}"')),
});
export type BigCommercePayload = z.infer<typeof BigCommercePayloadSchema>;

/**
 * How BigCommerce's partner event source names begin, and the only names this service matches (envelope,
 * source lookup, teardown; serverless.yml's IAM resources and queue policy list the same two). BigCommerce's
 * createEventSource example shows the first; its bus and rule ARN examples show the `.test` name AWS gives
 * a partner's test sources. Each ends in `/`, so no other partner (e.g. `bigcommerce.commerce`) matches.
 * @see https://docs.aws.amazon.com/eventbridge/latest/onboarding/onboarding_tasks.html
 * @see reference/bigcommerce-webhooks.md §1.2 and §8
 */
export const PARTNER_SOURCE_PREFIXES = [
  'aws.partner/bigcommerce.com/',
  'aws.partner/bigcommerce.com.test/',
] as const;

/** True when `name` is a BigCommerce partner source name (it starts with one of {@link PARTNER_SOURCE_PREFIXES}). */
export const isBigCommerceSourceName = (name: string): boolean =>
  PARTNER_SOURCE_PREFIXES.some((prefix) => name.startsWith(prefix));
export const DETAIL_TYPE = 'bigCommerceWebhook';

/**
 * The EventBridge event an SQS target receives as its message body, carrying a BigCommerce payload.
 *
 * No public capture of a BigCommerce EventBridge event exists, so `detail` is taken to be the payload
 * itself (as Shopify and other partners do with their own shapes). This schema is the one place to
 * correct once a real event is captured.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 */
export const BigCommerceEventBridgeEventSchema = z.object({
  version: z.string(),
  id: z.string().check(z.minLength(1)),
  'detail-type': z.literal(DETAIL_TYPE),
  source: z
    .string()
    .check(
      z.refine(
        isBigCommerceSourceName,
        `expected a source starting with ${PARTNER_SOURCE_PREFIXES.join(' or ')}`,
      ),
    ),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: BigCommercePayloadSchema,
});
export type BigCommerceEventBridgeEvent = z.infer<typeof BigCommerceEventBridgeEventSchema>;

/** The store hash a payload was produced by (`stores/{hash}`), lower-cased: store hashes ignore case. */
export const storeHashOf = (payload: BigCommercePayload): string =>
  payload.producer.slice('stores/'.length).toLowerCase();

const STORE_HASH = /^[a-z0-9]+$/;

/**
 * Reads the store a partner source belongs to from its name, when the name is provision's default
 * (`<prefix>-<storeHash>`, shared/provisioning/names.ts): the source's last segment, which BigCommerce
 * lower-cases. A custom event source name names no store: the result is `undefined`.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws#set-up-an-event-source
 */
export const sourceStoreReader = (eventSourceNamePrefix: string) => {
  const start = `${eventSourceNamePrefix.toLowerCase()}-`;
  return (source: string): string | undefined => {
    const name = source.slice(source.lastIndexOf('/') + 1).toLowerCase();
    if (!name.startsWith(start)) return undefined;
    const storeHash = name.slice(start.length);
    return STORE_HASH.test(storeHash) ? storeHash : undefined;
  };
};

/** The part of a zod error (classic or mini) that {@link describeIssues} reads. */
export interface IssueList {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}

/** One line naming each failing path of a zod error, for logs and 400 bodies. */
export const describeIssues = (error: IssueList): string =>
  error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
