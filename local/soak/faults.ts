/**
 * The faults a soak injects, each through a knob of the offline stack (never of the shipped code), and
 * what each one did, for the figures' `faults` row.
 */
import type { FaultQueue } from '../sandbox/faults.js';
import type { PlannedEvent } from './plan.js';

/** The share (0-1) of each fault; 0 or absent: off. */
export interface SoakFaults {
  /** Events whose handler fails (its BigCommerce fetch answers 503 through every retry) on 1 or 2 attempts. */
  handlerFailures?: number;
}

/** The client's attempts per fetch (shared/bigcommerce/rest/client.ts): a fault must outlast them all. */
const CLIENT_ATTEMPTS = 5;

/**
 * Arms, for a `share` of the events whose handler fetches its resource, 503 answers to that fetch for one
 * or two whole handler attempts: the handler throws, the record fails and comes back, and a later attempt
 * (at most the third of the queue's five receives) succeeds. Returns how many handler attempts will fail.
 */
export const armHandlerFailure = (
  faults: Pick<FaultQueue, 'add'>,
  event: PlannedEvent,
  share: number,
  random: () => number,
): number => {
  if (!event.fetches || event.expect !== 'handled' || random() >= share) return 0;
  const attempts = random() < 0.5 ? 1 : 2;
  faults.add({ match: `GET ${event.fetches}`, status: 503, times: attempts * CLIENT_ATTEMPTS });
  return attempts;
};
