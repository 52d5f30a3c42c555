import { OperationInProgressError, type StoreLeases } from '../../shared/provisioning/lease.js';

/** {@link StoreLeases} in memory, for tests of the API without a stores table; `held` shows who holds what. */
export const memoryLeases = (now: () => number = Date.now) => {
  const held = new Map<string, { owner: symbol; expiresAt: number }>();
  const leases: StoreLeases = {
    async acquire(storeHash, expiresAt) {
      const holder = held.get(storeHash);
      if (holder && holder.expiresAt >= now()) {
        throw new OperationInProgressError(storeHash, Math.max(1_000, holder.expiresAt - now()));
      }
      const owner = Symbol(storeHash);
      held.set(storeHash, { owner, expiresAt });
      return {
        async release() {
          if (held.get(storeHash)?.owner === owner) held.delete(storeHash);
        },
      };
    },
  };
  return { leases, held };
};
