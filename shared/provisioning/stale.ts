import { messageOf, TransientError } from '../errors.js';
import { sleep as realSleep, retry } from '../retry.js';

/** How teardown waits out a delete EventBridge refuses on state it has not caught up with yet. */
export interface DeleteWait {
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all (default 6: about 6 s of waiting with the default delays). */
  attempts?: number;
}

/** Half the backoff fixed, half jittered: EventBridge catches up within seconds, so every wait counts. */
const POLICY = {
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  maxWaitMs: Infinity,
  random: () => 0.5 + Math.random() / 2,
};

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
  await retry(
    work,
    { ...POLICY, attempts: wait.attempts ?? 6, sleep: wait.sleep ?? realSleep },
    {
      retryable: async (error) => {
        const other = await concurrent(error);
        if (other) throw other;
        return stale.test(messageOf((error as Error).cause ?? error));
      },
      exhausted: (error) => new TransientError(exhausted, { cause: error }),
    },
  );
};
