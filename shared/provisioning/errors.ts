import { messageOf, TransientError } from '../errors.js';
import type { Entry, Step } from './types.js';

/** A run stopped at `step`; `entries` are the resources done before (and during) that step. */
export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
  constructor(
    readonly step: Step,
    override readonly cause: unknown,
    readonly entries: Entry[],
  ) {
    super(`${step}: ${messageOf(cause)}`, { cause });
  }
}

/** Thrown when a run reaches its invocation's deadline: it stops where it is, and a new call resumes. */
export class OutOfTimeError extends TransientError {
  constructor() {
    super('the run reached the end of this invocation; call again to resume where it stopped', {
      retryAfterMs: 1000,
    });
  }
}

/**
 * Runs one step; a failure becomes a {@link ProvisionError} carrying the entries done so far. With a
 * `deadline` (epoch ms), a step still running then stops the run with an {@link OutOfTimeError}, so the
 * caller gets the step and the entries instead of a Lambda timeout; whatever the step finishes later is
 * found by the next run.
 */
export const runStep = async <T>(
  step: Step,
  done: Entry[],
  work: () => Promise<T>,
  deadline?: number,
): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    if (deadline === undefined) return await work();
    const outOfTime = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OutOfTimeError()), Math.max(0, deadline - Date.now()));
    });
    return await Promise.race([work(), outOfTime]);
  } catch (error) {
    throw new ProvisionError(step, error, [...done]);
  } finally {
    clearTimeout(timer);
  }
};
