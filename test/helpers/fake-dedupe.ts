import { type Dedupe, type Delivery, keyOf } from '../../shared/dedupe/port.js';

/**
 * An in-memory {@link Dedupe} with the adapter's semantics inside one process (no window): a key is done
 * once its work resolved and forgotten when it throws; a copy that arrives while its key runs waits for
 * it, then decides. `state.runs` counts the work it let through.
 */
export const createFakeDedupe = () => {
  const done = new Map<string, Delivery>();
  const running = new Map<string, Promise<void>>();
  const state = { runs: 0 };
  const dedupe: Dedupe = {
    async once(key, delivery, work) {
      const id = keyOf(key);
      while (running.has(id)) await running.get(id)?.catch(() => undefined);
      const first = done.get(id);
      if (first) return { status: 'duplicate', first };
      state.runs += 1;
      const attempt = work();
      running.set(id, attempt);
      try {
        await attempt;
        done.set(id, delivery);
        return { status: 'ran' };
      } finally {
        running.delete(id);
      }
    },
  };
  return { dedupe, done, state };
};

/** A {@link Dedupe} that lets everything through, for tests and benchmarks about something else. */
export const passThroughDedupe: Dedupe = {
  async once(_key, _delivery, work) {
    await work();
    return { status: 'ran' };
  },
};
