/**
 * CLI: `npm run new-handler -- <scope or family wildcard>`
 * Writes the handler module of a scope with a typed `handle` stub and its unit test, and adds the scope to
 * SUBSCRIBED_SCOPES and the module to the registry, in order; then formats what it wrote with Biome. A scope
 * not in the catalog, or one that already has a module, is refused and nothing changes. Exits 0 when the
 * files are written, 1 when the scope is refused, 2 on bad arguments.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NewHandlerError, planNewHandler } from '../shared/ops/new-handler.js';

const USAGE = `Usage: npm run new-handler -- <scope or family wildcard>

  npm run new-handler -- store/order/statusUpdated      functions/consume/handlers/store/order/statusUpdated.ts
  npm run new-handler -- 'store/product/*'              functions/consume/handlers/store/product/_all.ts
  npm run new-handler -- 'store/channel/{channel_id}/cart/created'   .../store/channel/[channel_id]/cart/created.ts

Writes the module (a typed handle stub) and its unit test under test/unit/consume/handlers/, and adds the
scope to SUBSCRIBED_SCOPES (shared/bigcommerce/scopes/subscribed.ts) and to the registry
(functions/consume/handlers/registry.ts). Quote a wildcard so the shell does not expand it.`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { help: { type: 'boolean', short: 'h', default: false } },
});
const [pattern] = positionals;
if (values.help || pattern === undefined || positionals.length > 1) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path: string) => join(root, path);

try {
  const changes = planNewHandler(pattern, {
    read: (path) => (existsSync(at(path)) ? readFileSync(at(path), 'utf8') : undefined),
  });
  for (const change of changes) {
    mkdirSync(dirname(at(change.path)), { recursive: true });
    writeFileSync(at(change.path), change.content);
  }
  // The text is written in Biome's style already; this keeps it so if a line outgrows the width.
  const biome = spawnSync(
    at('node_modules/.bin/biome'),
    ['check', '--write', ...changes.map((change) => change.path)],
    { cwd: root, encoding: 'utf8' },
  );
  if (biome.status !== 0) console.warn(`biome check --write did not pass:\n${biome.stdout}${biome.stderr}`);
  for (const change of changes) console.log(`${change.created ? 'created ' : 'updated '} ${change.path}`);
  const test = changes.find((change) => change.path.endsWith('.test.ts'));
  console.log(
    `\nNext: write the handler, then \`npm run typecheck\` and \`npx vitest run ${test?.path ?? ''}\`.`,
  );
} catch (error) {
  if (!(error instanceof NewHandlerError)) throw error;
  console.error(`new-handler: ${error.message}\nNothing was changed.`);
  process.exit(1);
}
