/**
 * Waits for something a real server in this process will do (a request arriving, an answer landing),
 * turn by turn of the event loop rather than by the clock, so it works under fake timers and never
 * waits longer than the work takes. Fails after `turns` turns with nothing happening.
 */
export const untilTurns = async (check: () => boolean, turns = 10_000) => {
  for (let turn = 0; turn < turns; turn += 1) {
    if (check()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!check()) throw new Error(`condition not met within ${turns} event-loop turns`);
};
