/**
 * A command's bad-argument exit: the message, the command's usage text, exit code 2 (as the commands'
 * tests expect), so a typo never runs anything.
 */
export const usageFailure =
  (usage: string) =>
  (message: string): never => {
    console.error(`${message}\n\n${usage}`);
    process.exit(2);
  };

/**
 * A command's failure at run time: one line naming the command and the error, and exit code 1, set rather
 * than exited so the command's `finally` still closes its clients.
 */
export const reportFailure = (command: string, error: unknown): void => {
  console.error(
    `${command} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  process.exitCode = 1;
};
