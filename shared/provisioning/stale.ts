import { backoffDelay, sleep as realSleep } from '../bigcommerce/graphql/retry.js';
import { messageOf, TransientError } from '../errors.js';

/** How teardown waits out a delete EventBridge refuses on state it has not caught up with yet. */
export interface DeleteWait {
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all (default 6: about 6 s of waiting with the default delays). */
  attempts?: number;
}

const POLICY = { baseDelayMs: 200, maxDelayMs: 2_000, random: () => 0.5 + Math.random() / 2 };

/**
 * Runs a delete, retrying with bounded backoff while EventBridge refuses it with a message matching
 * `stale` (it still sees what was just removed: PutRule and PutTargets changes, and deletes, take effect
 * after a short while). Before each retry `concurrent` may turn the refusal into another error (a re-read
 * shows someone else changed the resource). Past the last attempt the refusal is a {@link TransientError}.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DeleteRule.html
 */
export const retryStaleRefusal = async (
  work: () => Promise<void>,
  stale: RegExp,
  concurrent: (error: unknown) => Promise<Error | undefined>,
  exhausted: string,
  wait: DeleteWait,
): Promise<void> => {
  const sleep = wait.sleep ?? realSleep;
  const attempts = wait.attempts ?? 6;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await work();
      return;
    } catch (error) {
      const other = await concurrent(error);
      if (other) throw other;
      const cause = (error as Error).cause ?? error;
      if (!stale.test(messageOf(cause))) throw error;
      if (attempt + 1 >= attempts) throw new TransientError(exhausted, { cause: error });
      await sleep(backoffDelay(attempt, POLICY));
    }
  }
};
