import type {
  DesiredState,
  LastRun,
  RegisteredStore,
  RunOutcome,
  StoreRegistry,
} from '../../shared/provisioning/registry.js';

/**
 * {@link StoreRegistry} in memory, with the stores table's rules (a run older than the recorded one writes
 * nothing; `recordRun` needs a registered store; `list` pages in hash order), for tests of the API and the
 * scheduled reconcile without a table. `stores` is the table; `marks` the uninstall marks.
 */
export const memoryRegistry = (now: () => number = Date.now) => {
  const stores = new Map<string, RegisteredStore>();
  const cursor: { after?: string } = {};
  const calls: string[] = [];
  /** Scheduled runs cut short in a row, by store (any recorded run resets it). */
  const interruptions = new Map<string, number>();
  const notOlder = (store: RegisteredStore | undefined, startedAt: number) =>
    !store?.lastRun || store.lastRun.startedAt <= startedAt;
  const lastRunOf = (outcome: RunOutcome, startedAt: number) =>
    ({ ...outcome, startedAt, endedAt: now() }) as LastRun;
  const registry: StoreRegistry = {
    async record(storeHash, desired: DesiredState, startedAt, outcome) {
      calls.push(`record ${storeHash}`);
      const found = stores.get(storeHash);
      if (!notOlder(found, startedAt)) return;
      interruptions.delete(storeHash);
      stores.set(storeHash, {
        storeHash,
        desired,
        registeredAt: found?.registeredAt ?? now(),
        lastRun: lastRunOf(outcome, startedAt),
      });
    },
    async recordRun(storeHash, startedAt, outcome) {
      calls.push(`recordRun ${storeHash}`);
      const found = stores.get(storeHash);
      if (!found || !notOlder(found, startedAt)) return;
      interruptions.delete(storeHash);
      stores.set(storeHash, { ...found, lastRun: lastRunOf(outcome, startedAt) });
    },
    async recordInterruption(storeHash) {
      calls.push(`recordInterruption ${storeHash}`);
      if (!stores.has(storeHash)) return 0;
      const count = (interruptions.get(storeHash) ?? 0) + 1;
      interruptions.set(storeHash, count);
      return count;
    },
    async unregister(storeHash, startedAt) {
      calls.push(`unregister ${storeHash}`);
      if (notOlder(stores.get(storeHash), startedAt)) {
        stores.delete(storeHash);
        interruptions.delete(storeHash);
      }
    },
    async get(storeHash) {
      calls.push(`get ${storeHash}`);
      const found = stores.get(storeHash);
      return found && structuredClone(found);
    },
    async list(limit, after) {
      calls.push('list');
      const sorted = [...stores.keys()].sort().filter((hash) => after === undefined || hash > after);
      const page = sorted.slice(0, limit);
      const last = page.at(-1);
      return {
        stores: page.map((hash) => structuredClone(stores.get(hash) as RegisteredStore)),
        ...(sorted.length > limit && last && { next: last }),
      };
    },
    async readCursor() {
      calls.push('readCursor');
      return cursor.after;
    },
    async writeCursor(after) {
      calls.push('writeCursor');
      if (after === undefined) delete cursor.after;
      else cursor.after = after;
    },
  };
  /** Marks a registered store uninstalled, as the consumer's built-in handler does on the table. */
  const markUninstalled = (storeHash: string, at = now()) => {
    const found = stores.get(storeHash);
    if (found) stores.set(storeHash, { ...found, uninstalledAt: at });
  };
  return { registry, stores, cursor, calls, markUninstalled };
};
