// zod/mini, as shared/config.ts: the reconcile bundle carries provision's configuration schema already.
import * as z from 'zod/mini';
import { type Env, loadProvisionConfig, type ProvisionConfig, parseEnv } from '../../shared/config.js';

const positiveInt = (fallback: number, max: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(max)), fallback);

/**
 * What the reconcile function reads beside provision's variables (it runs the same reconciler with the
 * same clients, so it takes the same configuration).
 *
 * @example
 * { "RECONCILE_CONCURRENCY": "5", "RECONCILE_STORE_BUDGET_MS": "30000", "STAGE": "dev" }
 */
export const ReconcileEnvSchema = z.object({
  /**
   * Stores reconciled at once. Each store's calls stay sequential, so this bounds the run's load on
   * EventBridge's control plane (a few calls per store) and never multiplies one store's BigCommerce calls.
   */
  RECONCILE_CONCURRENCY: positiveInt(5, 50),
  /** Time kept for one store's run: no store starts later than this before the invocation's end. */
  RECONCILE_STORE_BUDGET_MS: positiveInt(30_000, 600_000),
  /** The metrics' `stage` dimension, so two stages in one account do not add up. */
  STAGE: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)), 'dev'),
});

export type ReconcileConfig = ProvisionConfig & z.infer<typeof ReconcileEnvSchema>;

/** The reconcile function's configuration, read once at start. */
export const loadReconcileConfig = (env: Env = process.env): ReconcileConfig => ({
  ...loadProvisionConfig(env),
  ...parseEnv(ReconcileEnvSchema, env, 'reconcile'),
});
