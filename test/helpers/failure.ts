import type { ProvisionError } from '../../shared/provisioning/errors.js';

/** The error a provisioning run must fail with; a run that succeeds fails the test. */
export const failureOf = (run: Promise<unknown>): Promise<ProvisionError> =>
  run.then(
    () => {
      throw new Error('expected the run to fail');
    },
    (error: unknown) => error as ProvisionError,
  );
