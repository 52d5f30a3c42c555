/**
 * The faults a soak injects, each through a knob of the offline stack (never of the shipped code), and
 * what each one did, for the figures' `faults` row.
 */
import type { DeliveryRecord } from '../eventbridge/delivery.js';
import type { Faults } from '../eventbridge/faults.js';
import type { FaultQueue } from '../sandbox/faults.js';
import type { PlannedEvent } from './plan.js';

/** The share (0-1) of each fault; 0 or absent: off. */
export interface SoakFaults {
  /** Events whose handler fails (its BigCommerce fetch answers 503 through every retry) on 1 or 2 attempts. */
  handlerFailures?: number;
  /** Delivery attempts from the EventBridge emulator to the queue that fail (ThrottlingException). */
  deliveryFailures?: number;
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

/**
 * Arms, with probability `share`, one failed delivery attempt to `targetArn`: it hits the next attempt,
 * whichever event that is (retries included), so about `share` of all attempts fail and are retried with
 * the target's RetryPolicy, or end in the target's dead-letter queue.
 */
export const armDeliveryFailure = (
  faults: Pick<Faults, 'injectDelivery'>,
  targetArn: string,
  share: number,
  random: () => number,
): boolean => {
  if (random() >= share) return false;
  faults.injectDelivery({ targetArn, times: 1 });
  return true;
};

/** What EventBridge's side of the soak did: attempts that failed, events retried, dead-lettered, dropped. */
export const deliverySummary = (records: DeliveryRecord[]) => ({
  deliveries: records.length,
  failedAttempts: records.reduce(
    (sum, record) => sum + Math.max(0, record.attempts - (record.outcome === 'delivered' ? 1 : 0)),
    0,
  ),
  deliveredAfterRetry: records.filter((record) => record.outcome === 'delivered' && record.attempts > 1)
    .length,
  maxAttempts: Math.max(0, ...records.map((record) => record.attempts)),
  toTargetDlq: records.filter((record) => record.outcome === 'dead-lettered').length,
  notDelivered: records.filter(
    (record) => record.outcome !== 'delivered' && record.outcome !== 'dead-lettered',
  ).length,
});
