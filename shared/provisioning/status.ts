import { provision } from './provision.js';
import type { Entry, LogLevel, ProvisionDeps, ProvisionSettings, Transport } from './types.js';

/**
 * How a resource compares with the wanted state; `extra`: there, but to go (the other transport's webhooks,
 * bus, rule and target of a store switching transport).
 */
export type ResourceStatus = 'present' | 'missing' | 'drifted' | 'extra';

/** An entry of a status report: the plan's entry with `status` in place of `action`. */
export type StatusEntry = Omit<Entry, 'action'> & { status: ResourceStatus };

const STATUS_OF: Partial<Record<Entry['action'], ResourceStatus>> = {
  unchanged: 'present',
  'would-update': 'drifted',
  'would-delete': 'extra',
};

const statusOf = (action: Entry['action']): ResourceStatus => STATUS_OF[action] ?? 'missing';

/**
 * Reports each resource of a store's chain as present, missing or drifted, with the partner source's
 * state and each webhook's `active` flag. It runs the reconciler's plan, so it makes no change.
 */
export const status = async (
  request: {
    storeHash: string;
    eventSourceName: string;
    scopes: string[];
    transport?: Transport;
    logging?: LogLevel;
  },
  settings: ProvisionSettings,
  deps: ProvisionDeps,
) => {
  const plan = await provision(
    { ...request, dryRun: true, prune: false, reportDeleted: true },
    settings,
    deps,
  );
  const resources = plan.entries.map(
    ({ action, ...rest }): StatusEntry => ({ ...rest, status: statusOf(action) }),
  );
  const { converged, preflight, adaptations } = plan;
  return {
    storeHash: request.storeHash,
    transport: request.transport ?? 'eventbridge',
    converged,
    preflight,
    ...(adaptations && { adaptations }),
    resources,
  };
};
