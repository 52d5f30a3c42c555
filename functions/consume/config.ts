import * as z from 'zod/mini';
import { type ConsumeConfig, type Env, loadConsumeConfig, parseEnv } from '../../shared/config.js';

/**
 * What the consume function reads beside shared/config.ts's consume variables: the stage its metrics
 * carry as a dimension, as the reconcile function's do (functions/reconcile/config.ts).
 *
 * @example
 * { "STAGE": "dev" }
 */
export const ConsumeFunctionEnvSchema = z.object({
  /** The metrics' `stage` dimension, so two stages in one account do not add up. */
  STAGE: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/)), 'dev'),
});

export type ConsumeFunctionConfig = ConsumeConfig & z.infer<typeof ConsumeFunctionEnvSchema>;

/** The consume function's configuration, read once at start. */
export const loadConsumeFunctionConfig = (env: Env = process.env): ConsumeFunctionConfig => ({
  ...loadConsumeConfig(env),
  ...parseEnv(ConsumeFunctionEnvSchema, env, 'consume'),
});
