import { ConflictError } from '../errors.js';
import type { LogSink } from '../logger.js';
import { OutOfTimeError } from './errors.js';

/** A store's operation lease, held by one run until it releases it or its expiry passes. */
export interface Lease {
  release(): Promise<void>;
}

/**
 * One changing operation per store at a time. A lease expires with the invocation that holds it, so a
 * run that crashed or timed out blocks the store at most until its function's own deadline.
 */
export interface StoreLeases {
  /** Takes the store's lease until `expiresAt` (epoch ms), or throws {@link OperationInProgressError}. */
  acquire(storeHash: string, expiresAt: number): Promise<Lease>;
}

/** Another run holds the store's lease: nothing was done; call again after `retryAfterMs`. */
export class OperationInProgressError extends ConflictError {
  override readonly name = 'OperationInProgress';
  constructor(
    storeHash: string,
    readonly retryAfterMs: number,
  ) {
    super(
      `another provisioning operation on store ${storeHash} is running; nothing was done, call again when it ends`,
    );
  }
}

/** How long a caller refused by a lease is told to wait at most: runs are short, leases long. */
export const MAX_RETRY_AFTER_MS = 5_000;

/** Runs `work` holding the store's lease; releases it however `work` ends (a failed release only logs). */
export const withLease = async <T>(
  leases: StoreLeases,
  storeHash: string,
  expiresAt: number,
  work: () => Promise<T>,
  logger: Pick<LogSink, 'warn'>,
): Promise<T> => {
  const lease = await leases.acquire(storeHash, expiresAt);
  let abandoned = false;
  try {
    return await work();
  } catch (error) {
    // A run stopped at its deadline leaves its step running: the lease stays until the invocation ends.
    abandoned = error instanceof OutOfTimeError || (error as Error).cause instanceof OutOfTimeError;
    throw error;
  } finally {
    if (!abandoned) {
      await lease.release().catch((error: unknown) => {
        logger.warn('could not release the store lease; it expires with this invocation', {
          storeHash,
          error,
        });
      });
    }
  }
};
