import { expandPattern, isScopePattern, type ScopePattern } from '../bigcommerce/scopes/index.js';

/**
 * `npm run new-handler`'s logic: from a scope or family wildcard, the files to write and the two lists to
 * edit (SUBSCRIBED_SCOPES and the registry), computed in full before anything is written so that a refused
 * scope changes nothing. Paths are relative to the repository root.
 */

/** Where handler modules live. */
export const HANDLERS_DIR = 'functions/consume/handlers';
/** Where the generated unit tests live, one per module, at the module's path. */
export const HANDLER_TESTS_DIR = 'test/unit/consume/handlers';
export const REGISTRY_PATH = `${HANDLERS_DIR}/registry.ts`;
export const SUBSCRIBED_PATH = 'shared/bigcommerce/scopes/subscribed.ts';
/** The users' test helpers the generated test imports. */
export const TESTING_HELPERS_PATH = 'test/helpers/handlers.ts';

/** A scope that cannot get a new handler module; its message says why and what to do. */
export class NewHandlerError extends Error {
  override name = 'NewHandlerError';
}

/**
 * The module path of a pattern under handlers/, without extension, as registry.ts documents it:
 * `store/product/*` -> `store/product/_all`, `{channel_id}` -> a folder named `[channel_id]`.
 */
export const modulePathOf = (pattern: ScopePattern): string =>
  pattern.replace(/\/\*$/, '/_all').replace('{channel_id}', '[channel_id]');

/**
 * The registry's import name of a pattern: its segments after `store/` in camel case, `*` as `All` and the
 * channel placeholder as `Id` (`store/channel/{channel_id}/cart/created` -> `channelIdCartCreated`), so
 * `store/channel/*` and `store/channel/{channel_id}/*` stay apart.
 */
export const importNameOf = (pattern: ScopePattern): string =>
  pattern
    .replace(/^store\//, '')
    .split('/')
    .map((segment, index) => {
      const word = segment === '*' ? 'all' : segment === '{channel_id}' ? 'id' : segment;
      return index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join('');

/** The relative path from a file to another, both relative to the repository root, for an import. */
const relativeImport = (from: string, to: string): string => {
  const fromDir = from.split('/').slice(0, -1);
  const target = to.split('/');
  let common = 0;
  while (common < fromDir.length && fromDir[common] === target[common]) common += 1;
  const up = fromDir.length - common;
  const path = [...Array<string>(up).fill('..'), ...target.slice(common)].join('/');
  return (up === 0 ? `./${path}` : path).replace(/\.ts$/, '.js');
};

/** The handler module: a typed `handle` stub that logs what it received, for the user to replace. */
export const renderModule = (pattern: ScopePattern): string => {
  const file = `${HANDLERS_DIR}/${modulePathOf(pattern)}.ts`;
  const types = relativeImport(file, `${HANDLERS_DIR}/types.ts`);
  const what = pattern.endsWith('/*')
    ? `Every \`${pattern}\` scope without a module of its own; narrow on \`event.scope\`.`
    : `A \`${pattern}\` event.`;
  return `import type { ScopeHandler } from '${types}';

/**
 * ${what}
 * Throw to fail the record (SQS retries it, then the DLQ keeps it); return to acknowledge it.
 */
export const handle: ScopeHandler<'${pattern}'> = async (event, { logger }) => {
  logger.info('event received', { scope: event.scope, data: event.data });
};
`;
};

/** The unit test beside the others: feeds the module a typed sample event of (the first scope of) its pattern. */
export const renderTest = (pattern: ScopePattern): string => {
  const file = `${HANDLER_TESTS_DIR}/${modulePathOf(pattern)}.test.ts`;
  const module = relativeImport(file, `${HANDLERS_DIR}/${modulePathOf(pattern)}.ts`);
  const helpers = relativeImport(file, TESTING_HELPERS_PATH);
  const [scope] = expandPattern(pattern);
  return `import { describe, expect, it } from 'vitest';
import { handle } from '${module}';
import { handlerContext, sampleEvent } from '${helpers}';

describe('Handler: ${pattern}', () => {
  it('logs the event it received', async () => {
    // Prepare
    const event = sampleEvent('${scope}');
    const context = handlerContext();

    // Act
    await handle(event, context);

    // Assess
    expect(context.logs).toContainEqual({
      level: 'info',
      message: 'event received',
      extra: { scope: event.scope, data: event.data },
    });
  });
});
`;
};

const quoted = /'([^']+)'/g;

/** Code-unit order, the order both lists keep (and what a reader scanning them expects: alphabetical). */
const byScope = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * SUBSCRIBED_SCOPES with `pattern` added in order. A plain text edit of the one array literal, refusing a
 * file that is not in the shape it writes rather than guessing.
 */
export const addToSubscribed = (source: string, pattern: ScopePattern): string => {
  const list = /(export const SUBSCRIBED_SCOPES = \[)([\s\S]*?)(\] as const)/.exec(source);
  if (!list || list[2] === undefined) {
    throw new NewHandlerError(
      `${SUBSCRIBED_PATH}: no \`export const SUBSCRIBED_SCOPES = [...] as const\` to edit`,
    );
  }
  const scopes = [...list[2].matchAll(quoted)].map((match) => match[1] ?? '');
  if (scopes.includes(pattern))
    throw new NewHandlerError(`${pattern} is already in SUBSCRIBED_SCOPES (${SUBSCRIBED_PATH})`);
  const body = [...scopes, pattern]
    .sort(byScope)
    .map((scope) => `  '${scope}',\n`)
    .join('');
  return `${source.slice(0, list.index)}${list[1]}\n${body}${list[3]}${source.slice(list.index + list[0].length)}`;
};

const HANDLER_IMPORT = /^import \* as (\w+) from '\.\/([^']+)\.js';\n/gm;
const REGISTRY_OBJECT = /(export const handlers = \{)([\s\S]*?)(\} satisfies )/;
const REGISTRY_ENTRY = /'([^']+)':\s*(\w+)\.handle,/g;

/**
 * registry.ts with `pattern`'s module imported and registered, imports by path and entries by scope, each
 * entry on its own line. A plain text edit of the handler imports and the one object literal; a file not in
 * that shape is refused, naming the two lines to add by hand.
 */
export const addToRegistry = (source: string, pattern: ScopePattern): string => {
  const name = importNameOf(pattern);
  const path = modulePathOf(pattern);
  const object = REGISTRY_OBJECT.exec(source);
  const imports = [...source.matchAll(HANDLER_IMPORT)];
  const firstImport = imports[0];
  if (!object || object[2] === undefined || !firstImport) {
    throw new NewHandlerError(
      `${REGISTRY_PATH} is not in the shape new-handler edits; add by hand:\n  import * as ${name} from './${path}.js';\n  '${pattern}': ${name}.handle,`,
    );
  }
  const entries = [...object[2].matchAll(REGISTRY_ENTRY)].map(([, scope = '', module = '']) => ({
    scope,
    module,
  }));
  if (entries.some((entry) => entry.scope === pattern)) {
    throw new NewHandlerError(`${pattern} is already registered in ${REGISTRY_PATH}`);
  }
  const modules = imports.map(([, module = '', from = '']) => ({ module, from }));
  if (modules.some((entry) => entry.module === name)) {
    throw new NewHandlerError(`${REGISTRY_PATH} already imports a module named ${name}`);
  }
  const importBlock = [...modules, { module: name, from: path }]
    .sort((a, b) => byScope(a.from, b.from))
    .map(({ module, from }) => `import * as ${module} from './${from}.js';\n`)
    .join('');
  const entryBlock = [...entries, { scope: pattern, module: name }]
    .sort((a, b) => byScope(a.scope, b.scope))
    .map(({ scope, module }) => `  '${scope}': ${module}.handle,\n`)
    .join('');

  const withEntries = `${source.slice(0, object.index)}${object[1]}\n${entryBlock}${object[3]}${source.slice(object.index + object[0].length)}`;
  const withoutImports = withEntries.replace(HANDLER_IMPORT, '');
  const at = firstImport.index;
  return `${withoutImports.slice(0, at)}${importBlock}${withoutImports.slice(at)}`;
};

/** What the repository looks like to the generator: read a file (undefined when absent). */
export interface RepoFiles {
  read(path: string): string | undefined;
}

/** One file to write, and whether it is new. */
export interface FileChange {
  path: string;
  content: string;
  created: boolean;
}

/**
 * Every change `new-handler <pattern>` makes, or a {@link NewHandlerError} naming why none: the pattern is
 * not a catalog scope or family wildcard, or its module, test or registration already exists.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/events
 */
export const planNewHandler = (pattern: string, files: RepoFiles): FileChange[] => {
  if (!isScopePattern(pattern)) {
    throw new NewHandlerError(
      `${pattern} is not a BigCommerce webhook scope in the catalog (shared/bigcommerce/scopes/), nor a family wildcard of one such as store/product/*`,
    );
  }
  const modulePath = `${HANDLERS_DIR}/${modulePathOf(pattern)}.ts`;
  const testPath = `${HANDLER_TESTS_DIR}/${modulePathOf(pattern)}.test.ts`;
  if (files.read(modulePath) !== undefined)
    throw new NewHandlerError(`${pattern} already has a module: ${modulePath}`);
  if (files.read(testPath) !== undefined)
    throw new NewHandlerError(`${pattern} already has a test: ${testPath}`);
  const registry = files.read(REGISTRY_PATH);
  const subscribed = files.read(SUBSCRIBED_PATH);
  if (registry === undefined || subscribed === undefined) {
    throw new NewHandlerError(
      `run new-handler at the repository root (${REGISTRY_PATH} and ${SUBSCRIBED_PATH} not found)`,
    );
  }
  return [
    { path: modulePath, content: renderModule(pattern), created: true },
    { path: testPath, content: renderTest(pattern), created: true },
    { path: SUBSCRIBED_PATH, content: addToSubscribed(subscribed, pattern), created: false },
    { path: REGISTRY_PATH, content: addToRegistry(registry, pattern), created: false },
  ];
};
