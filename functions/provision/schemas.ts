// zod/mini, not classic zod: it tree-shakes, so the provision bundle carries only the schemas used here
// (classic zod alone was ~450 KB of it). messages.js gives its issues classic zod's English wording.
import * as z from 'zod/mini';
import '../../shared/bigcommerce/messages.js';
import { scopeProblem } from '../../shared/provisioning/scopes.js';

/** A BigCommerce store hash, as in `https://api.bigcommerce.com/stores/{storeHash}/...`. */
export const StoreHashSchema = z
  .string()
  .check(z.regex(/^[a-z0-9]{1,32}$/, 'expected a store hash: 1-32 of a-z 0-9'));

const EventSourceNameSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 characters of A-Z a-z 0-9 . _ -'));

/** Longer than any catalog scope with a channel id; a longer string is refused before it is echoed back. */
export const MAX_SCOPE_LENGTH = 200;
/** BigCommerce allows one webhook per scope; more than this in one request is a mistake, not a need. */
export const MAX_SCOPES = 100;

const ScopeSchema = z.string().check(
  z.maxLength(MAX_SCOPE_LENGTH, { error: `a scope is at most ${MAX_SCOPE_LENGTH} characters`, abort: true }),
  z.superRefine((scope, ctx) => {
    const problem = scopeProblem(scope);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

const defaultFalse = () => z._default(z.boolean(), false);

const TransportSchema = z.enum(['eventbridge', 'https'], {
  error: "expected eventbridge (the store has BigCommerce's EventBridge beta) or https",
});

const LoggingSchema = z.enum(['off', 'error', 'info', 'trace'], {
  error: "expected off, error, info or trace (the EventBridge log level of the store's partner bus)",
});

/**
 * The body of `POST /provision`. Unknown fields are rejected, so a token cannot be slipped in.
 *
 * @example
 * { "storeHash": "k7q2m9x4p1", "scopes": ["store/category/updated", "store/order/*"], "transport": "eventbridge", "logging": "info", "dryRun": false, "prune": false }
 */
export const ProvisionRequestSchema = z
  .strictObject({
    storeHash: StoreHashSchema,
    /** Catalog scopes, family wildcards, or channel scopes with a concrete channel id; default: SUBSCRIBED_SCOPES. */
    scopes: z.optional(
      z
        .array(ScopeSchema)
        .check(
          z.minLength(1, 'at least one scope, or leave scopes out for the handler registry'),
          z.maxLength(MAX_SCOPES, `at most ${MAX_SCOPES} scopes per request`),
        ),
    ),
    /** The name asked of BigCommerce; default `${EVENT_SOURCE_NAME_PREFIX}-${storeHash}`. */
    eventSourceName: z.optional(EventSourceNameSchema),
    /**
     * How the store's events arrive: `eventbridge` (its partner event source; stores with BigCommerce's beta)
     * or `https` (webhooks to this deployment's ingress). Changing it switches the store over: the new
     * transport's webhooks are active before the old one's go.
     */
    transport: z._default(TransportSchema, 'eventbridge'),
    /**
     * EventBridge logging of the store's partner bus, to the deployment's log group (`off` removes it):
     * `error`, `info` (every event received, every rule matched), or `trace`. EventBridge transport only.
     */
    logging: z._default(LoggingSchema, 'off'),
    dryRun: defaultFalse(),
    /** Delete webhooks to this destination whose scope is not wanted. */
    prune: defaultFalse(),
    /** Subscribe scopes that no handler module covers (the consumer acknowledges them with a warning). */
    allowUnhandled: defaultFalse(),
  })
  .check(
    // An HTTPS store has no partner bus to log: asking for it is refused, not silently ignored.
    z.refine((body) => body.transport !== 'https' || body.logging === 'off', {
      message: 'bus logging is for the EventBridge transport only: an HTTPS store has no partner bus',
      path: ['logging'],
    }),
  );
export type ProvisionRequestBody = z.infer<typeof ProvisionRequestSchema>;

const QueryScopesSchema = z.pipe(
  z.pipe(
    z.string().check(z.maxLength(MAX_SCOPES * (MAX_SCOPE_LENGTH + 1), 'too many scopes')),
    z.transform((list: string) => list.split(',').filter((scope) => scope !== '')),
  ),
  z
    .array(ScopeSchema)
    .check(z.minLength(1, 'at least one scope'), z.maxLength(MAX_SCOPES, `at most ${MAX_SCOPES} scopes`)),
);

const QueryBooleanSchema = z.pipe(
  z.optional(z.enum(['true', 'false'], { error: 'expected true or false' })),
  z.transform((value: 'true' | 'false' | undefined) => value === 'true'),
);

/**
 * Query string of `GET /provision/{storeHash}`. Unknown keys are refused like unknown body fields: a typo
 * must never change what a request does.
 */
export const StatusQuerySchema = z.strictObject({
  eventSourceName: z.optional(EventSourceNameSchema),
  /** The scopes the store was provisioned with, comma-separated; default SUBSCRIBED_SCOPES. */
  scopes: z.optional(QueryScopesSchema),
  /** The transport to compare with; default the registered store's, else eventbridge. */
  transport: z.optional(TransportSchema),
});

/** Query string of `DELETE /provision/{storeHash}`; unknown keys are refused (`?dryrun=true` is not a dry run). */
export const TeardownQuerySchema = z.strictObject({
  eventSourceName: z.optional(EventSourceNameSchema),
  dryRun: QueryBooleanSchema,
});

/** Query string of `POST /provision`: everything is in the body, so any key is refused. */
export const NoQuerySchema = z.strictObject({});

/** Stores per page of `GET /provision` when `limit` is not given, and the most one page may ask for. */
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;

/**
 * The `next` token of `GET /provision`: opaque to callers (base64url JSON), so its content may change
 * without breaking them; it names the store the next page starts after.
 */
export const encodePageToken = (after: string) =>
  Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');

const decodePageToken = (token: string): string => {
  try {
    const after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown }).after;
    return typeof after === 'string' ? after : '';
  } catch {
    return '';
  }
};

const NOT_A_TOKEN = 'expected the next token of a previous GET /provision page';

const PageTokenSchema = z.pipe(
  z.pipe(
    z.string().check(z.maxLength(200, NOT_A_TOKEN)),
    z.transform((token: string) => decodePageToken(token)),
  ),
  z.string().check(z.regex(/^[a-z0-9]{1,32}$/, NOT_A_TOKEN)),
);

const LimitSchema = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^[1-9][0-9]{0,2}$/, `expected a whole number from 1 to ${MAX_LIST_LIMIT}`)),
    z.transform((limit: string) => Number(limit)),
  ),
  z.number().check(z.lte(MAX_LIST_LIMIT, `expected a whole number from 1 to ${MAX_LIST_LIMIT}`)),
);

/**
 * Query string of `GET /provision` (the registered stores); unknown keys are refused, so `?Limit=1` is
 * not silently a full page.
 *
 * @example
 * { "limit": "20", "next": "eyJhZnRlciI6Ims3cTJtOXg0cDEifQ" }
 */
export const ListQuerySchema = z.strictObject({
  limit: z.optional(LimitSchema),
  /** The `next` of the previous page; without it, the first page. */
  next: z.optional(PageTokenSchema),
});
