/**
 * The offline stack with serverless offline consuming, in the current directory, on free ports: for a test
 * that needs `npm start`'s stack in another work tree (a copy whose handlers it edits). Prints one JSON line
 * `{"ready": {"http", "sandbox"}}`, then each line of the functions' output as `{"line": "..."}`; stops on
 * SIGTERM.
 */
import { startStack } from '../../local/stack.js';

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const stack = await startStack({
  consume: 'serverless-offline',
  ports: {
    sqs: 0,
    eventBridge: 0,
    sandbox: 0,
    dynamodb: 0,
    http: 0,
    lambda: 0,
  },
  output: (part, line) => {
    if (part === 'functions') print({ line });
  },
});
print({ ready: { http: stack.offline?.httpUrl, sandbox: stack.env.BIGCOMMERCE_API_URL } });
process.once('SIGTERM', () => {
  void stack.stop().finally(() => process.exit(0));
});
