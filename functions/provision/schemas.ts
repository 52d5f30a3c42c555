import { z } from 'zod';
import { scopeProblem } from '../../shared/provisioning/scopes.js';

/** A BigCommerce store hash, as in `https://api.bigcommerce.com/stores/{storeHash}/...`. */
export const StoreHashSchema = z.string().regex(/^[a-z0-9]{1,32}$/, 'expected a store hash: 1-32 of a-z 0-9');

const EventSourceNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 characters of A-Z a-z 0-9 . _ -');

/** Longer than any catalog scope with a channel id; a longer string is refused before it is echoed back. */
export const MAX_SCOPE_LENGTH = 200;
/** BigCommerce allows one webhook per scope; more than this in one request is a mistake, not a need. */
export const MAX_SCOPES = 100;

const ScopeSchema = z
  .string()
  .max(MAX_SCOPE_LENGTH, { error: `a scope is at most ${MAX_SCOPE_LENGTH} characters`, abort: true })
  .superRefine((scope, ctx) => {
    const problem = scopeProblem(scope);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * The body of `POST /provision`. Unknown fields are rejected, so a token cannot be slipped in.
 *
 * @example
 * { "storeHash": "k7q2m9x4p1", "scopes": ["store/category/updated", "store/order/*"], "dryRun": false, "prune": false }
 */
export const ProvisionRequestSchema = z
  .object({
    storeHash: StoreHashSchema,
    /** Catalog scopes, family wildcards, or channel scopes with a concrete channel id; default: the handler registry. */
    scopes: z
      .array(ScopeSchema)
      .min(1, 'at least one scope, or leave scopes out for the handler registry')
      .max(MAX_SCOPES, `at most ${MAX_SCOPES} scopes per request`)
      .optional(),
    /** The name asked of BigCommerce; default `${EVENT_SOURCE_NAME_PREFIX}-${storeHash}`. */
    eventSourceName: EventSourceNameSchema.optional(),
    dryRun: z.boolean().default(false),
    /** Delete webhooks to this destination whose scope is not wanted. */
    prune: z.boolean().default(false),
    /** Subscribe scopes that no handler module covers (the consumer acknowledges them with a warning). */
    allowUnhandled: z.boolean().default(false),
  })
  .strict();
export type ProvisionRequestBody = z.infer<typeof ProvisionRequestSchema>;

const QueryScopesSchema = z
  .string()
  .max(MAX_SCOPES * (MAX_SCOPE_LENGTH + 1), 'too many scopes')
  .transform((list) => list.split(',').filter((scope) => scope !== ''))
  .pipe(z.array(ScopeSchema).min(1, 'at least one scope').max(MAX_SCOPES, `at most ${MAX_SCOPES} scopes`));

const QueryBooleanSchema = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .optional()
  .transform((value) => value === 'true');

/**
 * Query string of `GET /provision/{storeHash}`. Unknown keys are refused like unknown body fields: a typo
 * must never change what a request does.
 */
export const StatusQuerySchema = z
  .object({
    eventSourceName: EventSourceNameSchema.optional(),
    /** The scopes the store was provisioned with, comma-separated; default the handler registry. */
    scopes: QueryScopesSchema.optional(),
  })
  .strict();

/** Query string of `DELETE /provision/{storeHash}`; unknown keys are refused (`?dryrun=true` is not a dry run). */
export const TeardownQuerySchema = z
  .object({
    eventSourceName: EventSourceNameSchema.optional(),
    dryRun: QueryBooleanSchema,
  })
  .strict();

/** Query string of `POST /provision`: everything is in the body, so any key is refused. */
export const NoQuerySchema = z.object({}).strict();
