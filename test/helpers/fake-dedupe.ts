import { type Dedupe, type Delivery, EventInProgressError, keyOf } from '../../shared/dedupe/port.js';

/**
 * An in-memory {@link Dedupe} with the adapter's semantics (no window): a key is done once its work
 * resolved, held while it runs, and forgotten when it throws. `runs` counts the work it let through.
 */
export const createFakeDedupe = () => {
  const done = new Map<string, Delivery>();
  const running = new Set<string>();
  const state = { runs: 0 };
  const dedupe: Dedupe = {
    async once(key, delivery, work) {
      const id = keyOf(key);
      const first = done.get(id);
      if (first) return { status: 'duplicate', first };
      if (running.has(id)) throw new EventInProgressError(`event ${id} is in progress`);
      running.add(id);
      try {
        state.runs += 1;
        await work();
        done.set(id, delivery);
        return { status: 'ran' };
      } finally {
        running.delete(id);
      }
    },
  };
  return { dedupe, done, state };
};

/** A {@link Dedupe} that lets everything through, for tests about something else. */
export const passThroughDedupe: Dedupe = {
  async once(_key, _delivery, work) {
    await work();
    return { status: 'ran' };
  },
};
