import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import { fakeContext } from '../../helpers/context.js';
import { passThroughDedupe } from '../../helpers/fake-dedupe.js';
import { mixedBatch } from '../records.js';
import { benchScopes } from '../scopes.js';

// Run in a fresh process (bundled like a function) so the peak is this batch's alone.
const size = Number(process.argv[2] ?? '10000');
const noop = async () => undefined;
const handlers = Object.fromEntries(benchScopes.map((scope) => [scope, noop])) as HandlerRegistry;
const handler = createConsumeHandler({ handlers, dedupe: passThroughDedupe });
const event = mixedBatch(size);
const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
const before = mb(process.resourceUsage().maxRSS);
// No top-level await: the bundle is CommonJS, like the function's.
void handler(event, fakeContext()).then((response) => {
  const peak = mb(process.resourceUsage().maxRSS);
  process.stdout.write(
    `${JSON.stringify({ size, before, peak, failures: response.batchItemFailures.length })}\n`,
  );
});
