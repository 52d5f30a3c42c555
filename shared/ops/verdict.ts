import * as z from 'zod/mini';
import { createRecordProcessor, type QueueRecord } from '../../functions/consume/consume.js';
import type { HandlerRegistry } from '../../functions/consume/handlers/types.js';
import { catalogScopes, type ScopePattern } from '../bigcommerce/scopes/index.js';
import { SUBSCRIBED_SCOPES } from '../bigcommerce/scopes/subscribed.js';
import type { Dedupe } from '../dedupe/port.js';
import { RecordRejectedError, type RejectionReason } from '../errors.js';
import type { KeyedLogger } from '../logger.js';

/** Every {@link RejectionReason}: assigning a verdict from a RecordRejectedError fails to compile if one is missing. */
const REJECTION_REASONS = [
  'malformed-json',
  'not-a-bigcommerce-event',
  'producer-mismatch',
  'schema-violation',
] as const satisfies readonly RejectionReason[];

/**
 * What the consumer does with one queue message: hands it to a handler, acknowledges it without one
 * (a scope outside the catalog, or one nothing is registered for), or rejects it, saying why.
 *
 * @example
 * { "accepted": false, "outcome": "rejected", "reason": "schema-violation", "detail": "id: Invalid input: expected number, received string" }
 */
export const VerdictSchema = z.discriminatedUnion('outcome', [
  z.object({
    accepted: z.literal(true),
    outcome: z.literal('handled'),
    scope: z.string(),
    handler: z.string(),
  }),
  z.object({
    accepted: z.literal(true),
    outcome: z.literal('ignored'),
    reason: z.enum(['unknown-scope', 'no-handler']),
    scope: z.string(),
  }),
  z.object({
    accepted: z.literal(false),
    outcome: z.literal('rejected'),
    reason: z.enum(REJECTION_REASONS),
    detail: z.string(),
  }),
]);
export type Verdict = z.infer<typeof VerdictSchema>;

/**
 * Two verdicts on one message: `consumer`, with the scopes the consumer handles as they are now (a scope without a handler
 * is acknowledged before its data is checked), and `catalog`, as if every catalog scope had a handler, which
 * says whether the envelope and the data match our schemas whatever is registered.
 */
export const VerdictsSchema = z.object({ consumer: VerdictSchema, catalog: VerdictSchema });
export type Verdicts = z.infer<typeof VerdictsSchema>;

/**
 * A verdict as compared between runs: a malformed body's detail is the JS engine's JSON.parse message
 * (its wording changes between Node versions, its positions with a placeholder's length), so it is left out.
 */
export const comparableVerdict = (verdict: Verdict): Verdict =>
  verdict.outcome === 'rejected' && verdict.reason === 'malformed-json'
    ? { ...verdict, detail: '' }
    : verdict;

const quiet = () => undefined;
const silent: KeyedLogger = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: quiet,
  child: () => silent,
};
/** Every event is new and nothing is recorded: a verdict must not depend on what was judged before. */
const noDedupe: Dedupe = {
  async once(_key, _delivery, work) {
    await work();
    return { status: 'ran' };
  },
};

/** A registry of `patterns`, each with a handler that does nothing: a verdict never runs a handler's work. */
const inert = (patterns: readonly string[]) =>
  Object.fromEntries(patterns.map((pattern) => [pattern, quiet])) as HandlerRegistry;

/**
 * Judges queue messages with the consumer's own per-record processor (functions/consume/consume.ts: the
 * envelope, the producer check, the scope catalog, the compiled schemas), with handlers that do nothing and
 * no dedupe. `eventSourceNamePrefix` is the deployed consumer's EVENT_SOURCE_NAME_PREFIX; `subscribed` the
 * scopes it has handlers for (default SUBSCRIBED_SCOPES, which its registry matches).
 */
export const createJudge = (options: {
  eventSourceNamePrefix: string;
  subscribed?: readonly ScopePattern[];
}) => {
  const processorOf = (handlers: HandlerRegistry) => {
    const process = createRecordProcessor({
      handlers,
      logger: silent,
      dedupe: noDedupe,
      eventSourceNamePrefix: options.eventSourceNamePrefix,
    });
    return async (record: QueueRecord): Promise<Verdict> => {
      try {
        const outcome = await process(record);
        if (outcome.status === 'ignored') {
          return { accepted: true, outcome: 'ignored', reason: outcome.reason, scope: outcome.scope };
        }
        return { accepted: true, outcome: 'handled', scope: outcome.scope, handler: outcome.pattern };
      } catch (error) {
        if (!(error instanceof RecordRejectedError)) throw error;
        return { accepted: false, outcome: 'rejected', reason: error.reason, detail: error.detail };
      }
    };
  };
  const consumer = processorOf(inert(options.subscribed ?? SUBSCRIBED_SCOPES));
  const catalog = processorOf(inert(catalogScopes));
  return async (record: QueueRecord): Promise<Verdicts> => ({
    consumer: await consumer(record),
    catalog: await catalog(record),
  });
};

export type Judge = ReturnType<typeof createJudge>;
