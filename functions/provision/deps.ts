import type { ScopePattern } from '../../shared/bigcommerce/scopes/index.js';
import type { ProvisionConfig } from '../../shared/config.js';
import type { KeyedLogger } from '../../shared/logger.js';
import { reconcilerClients } from '../../shared/provisioning/clients.js';
import type { ProvisionApi } from './api.js';
import { defaultScopes, unhandledScopes } from './scopes.js';

/** Time kept, at the end of an invocation, to answer with what the run did. */
const ANSWER_MARGIN_MS = 2_000;

/**
 * Builds the API's dependencies from the configuration and the scopes the consumer handles: the
 * reconciler's clients (shared/provisioning/clients.ts, the same the scheduled reconcile uses), the store
 * leases and the registry on the stores table.
 */
export const createProvisionApiDeps = (
  config: ProvisionConfig,
  subscribed: readonly ScopePattern[],
  logger: KeyedLogger,
): ProvisionApi => {
  const { deps, settingsOf, leases, registry } = reconcilerClients(config, logger);
  return {
    deps,
    // Answer before Lambda's timeout: API Gateway would otherwise return a bare 5xx without the step.
    settingsFor: (context) =>
      settingsOf(
        typeof context.getRemainingTimeInMillis === 'function'
          ? Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS
          : undefined,
      ),
    leases,
    registry,
    defaultScopes: defaultScopes(subscribed),
    unhandled: (scopes) => unhandledScopes(scopes, subscribed),
    eventSourceNamePrefix: config.EVENT_SOURCE_NAME_PREFIX,
    maxBodyBytes: config.PROVISION_MAX_BODY_BYTES,
    logger,
  };
};
