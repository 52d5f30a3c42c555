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
