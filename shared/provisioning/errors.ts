import { messageOf } from '../errors.js';
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

/** Runs one step; a failure becomes a {@link ProvisionError} carrying the entries done so far. */
export const runStep = async <T>(step: Step, done: Entry[], work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    throw new ProvisionError(step, error, [...done]);
  }
};
