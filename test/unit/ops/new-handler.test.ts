import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogScopes, type ScopePattern, wildcardsOf } from '../../../shared/bigcommerce/scopes/index.js';
import {
  addToRegistry,
  addToSubscribed,
  importNameOf,
  modulePathOf,
  NewHandlerError,
  planNewHandler,
  REGISTRY_PATH,
  type RepoFiles,
  renderModule,
  renderTest,
  SUBSCRIBED_PATH,
} from '../../../shared/ops/new-handler.js';

const REGISTRY = `import type { SUBSCRIBED_SCOPES } from '../../../shared/bigcommerce/scopes/subscribed.js';
import * as categoryUpdated from './store/category/updated.js';
import * as productAll from './store/product/_all.js';
import type { RegistryOf } from './types.js';

/** Scope -> handler. */
export const handlers = {
  'store/category/updated': categoryUpdated.handle,
  'store/product/*': productAll.handle,
} satisfies RegistryOf<typeof SUBSCRIBED_SCOPES>;
`;

const SUBSCRIBED = `import type { ScopePattern } from './index.js';

/** The scopes. */
export const SUBSCRIBED_SCOPES = [
  'store/category/updated',
  'store/product/*',
] as const satisfies readonly ScopePattern[];

export type SubscribedScope = (typeof SUBSCRIBED_SCOPES)[number];
`;

const repo = (files: Record<string, string>): RepoFiles => ({ read: (path) => files[path] });
const baseRepo = () =>
  repo({
    [REGISTRY_PATH]: REGISTRY,
    [SUBSCRIBED_PATH]: SUBSCRIBED,
    'functions/consume/handlers/types.ts': '',
  });

describe('Function: planNewHandler', () => {
  it('writes the module, its test, and adds the scope to both lists in order', () => {
    // Act
    const changes = planNewHandler('store/order/statusUpdated', baseRepo());

    // Assess
    expect(changes.map(({ path, created }) => ({ path, created }))).toEqual([
      { path: 'functions/consume/handlers/store/order/statusUpdated.ts', created: true },
      { path: 'test/unit/consume/handlers/store/order/statusUpdated.test.ts', created: true },
      { path: SUBSCRIBED_PATH, created: false },
      { path: REGISTRY_PATH, created: false },
    ]);
    expect(changes[2]?.content).toContain(
      "  'store/category/updated',\n  'store/order/statusUpdated',\n  'store/product/*',\n] as const",
    );
    expect(changes[3]?.content).toBe(
      REGISTRY.replace(
        'import * as productAll',
        "import * as orderStatusUpdated from './store/order/statusUpdated.js';\nimport * as productAll",
      ).replace(
        "  'store/product/*'",
        "  'store/order/statusUpdated': orderStatusUpdated.handle,\n  'store/product/*'",
      ),
    );
  });

  it('places a wildcard at _all and a channel scope under [channel_id]', () => {
    // Act
    const wildcard = planNewHandler('store/order/*', baseRepo());
    const channel = planNewHandler('store/channel/{channel_id}/cart/created', baseRepo());

    // Assess
    expect(wildcard[0]?.path).toBe('functions/consume/handlers/store/order/_all.ts');
    expect(channel[0]?.path).toBe('functions/consume/handlers/store/channel/[channel_id]/cart/created.ts');
    expect(channel[1]?.path).toBe(
      'test/unit/consume/handlers/store/channel/[channel_id]/cart/created.test.ts',
    );
  });

  it('refuses a scope that is not in the catalog, naming it', () => {
    expect(() => planNewHandler('store/order/teleported', baseRepo())).toThrow(
      /store\/order\/teleported is not a BigCommerce webhook scope in the catalog/,
    );
  });

  it('refuses a scope that already has a module', () => {
    // Prepare
    const files = repo({
      [REGISTRY_PATH]: REGISTRY,
      [SUBSCRIBED_PATH]: SUBSCRIBED,
      'functions/consume/handlers/store/category/updated.ts': 'export const handle = () => {};',
    });

    // Act + Assess
    expect(() => planNewHandler('store/category/updated', files)).toThrow(
      new NewHandlerError(
        'store/category/updated already has a module: functions/consume/handlers/store/category/updated.ts',
      ),
    );
  });

  it('refuses a scope registered without a module file', () => {
    expect(() => planNewHandler('store/product/*', baseRepo())).toThrow(/already in SUBSCRIBED_SCOPES/);
  });

  it('refuses to run outside the repository', () => {
    expect(() => planNewHandler('store/order/created', repo({}))).toThrow(/repository root/);
  });
});

describe('Function: addToRegistry', () => {
  it("edits this repository's registry and list, which are in the shape it writes", () => {
    // Prepare
    const read = (path: string) =>
      readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');
    const [registry, subscribed] = [read(REGISTRY_PATH), read(SUBSCRIBED_PATH)];
    const unused = catalogScopes.find(
      (scope) => !registry.includes(`'${scope}'`) && !subscribed.includes(`'${scope}'`),
    );
    if (!unused) throw new Error('every catalog scope is registered');

    // Act + Assess
    expect(addToRegistry(registry, unused)).toContain(`'${unused}': ${importNameOf(unused)}.handle,`);
    expect(addToSubscribed(subscribed, unused)).toContain(`'${unused}',`);
  });

  it('keeps imports by path and entries by scope when several are added', () => {
    // Act
    const source = addToRegistry(addToRegistry(REGISTRY, 'store/cart/created'), 'store/sku/*');

    // Assess
    expect(source.match(/^import \* as \w+/gm)).toEqual([
      'import * as cartCreated',
      'import * as categoryUpdated',
      'import * as productAll',
      'import * as skuAll',
    ]);
    expect(source.match(/^ {2}'[^']+'/gm)).toEqual([
      "  'store/cart/created'",
      "  'store/category/updated'",
      "  'store/product/*'",
      "  'store/sku/*'",
    ]);
  });

  it('reads an entry Biome wrapped over two lines', () => {
    // Prepare
    const wrapped = REGISTRY.replace(
      "  'store/category/updated': categoryUpdated.handle,",
      "  'store/category/updated':\n    categoryUpdated.handle,",
    );

    // Act
    const source = addToRegistry(wrapped, 'store/cart/created');

    // Assess
    expect(source).toContain(
      "  'store/cart/created': cartCreated.handle,\n  'store/category/updated': categoryUpdated",
    );
  });

  it('refuses a registry not in the shape it edits, saying what to add by hand', () => {
    expect(() => addToRegistry('export const handlers = new Map();', 'store/cart/created')).toThrow(
      /add by hand:\n {2}import \* as cartCreated from '.\/store\/cart\/created.js';\n {2}'store\/cart\/created': cartCreated.handle,/,
    );
  });

  it('refuses a scope already registered', () => {
    expect(() => addToRegistry(REGISTRY, 'store/category/updated')).toThrow(/already registered/);
  });
});

describe('Function: addToSubscribed', () => {
  it('adds the scope in order and keeps the rest of the file', () => {
    // Act
    const source = addToSubscribed(SUBSCRIBED, 'store/cart/*');

    // Assess
    expect(source).toBe(
      SUBSCRIBED.replace("  'store/category/updated'", "  'store/cart/*',\n  'store/category/updated'"),
    );
  });

  it('refuses a file without the list', () => {
    expect(() => addToSubscribed('export const X = 1;', 'store/cart/*')).toThrow(NewHandlerError);
  });
});

describe('Function: importNameOf', () => {
  it('gives every scope and wildcard of the catalog a distinct import name', () => {
    // Prepare
    const patterns: ScopePattern[] = [...new Set([...catalogScopes, ...catalogScopes.flatMap(wildcardsOf)])];

    // Act
    const names = new Set(patterns.map(importNameOf));

    // Assess
    expect(names.size).toBe(patterns.length);
    expect(importNameOf('store/channel/{channel_id}/cart/created')).toBe('channelIdCartCreated');
    expect(importNameOf('store/product/*')).toBe('productAll');
  });

  it('names the module paths the registry test expects', () => {
    expect(modulePathOf('store/channel/{channel_id}/*')).toBe('store/channel/[channel_id]/_all');
  });
});

describe('Function: renderModule and renderTest', () => {
  it('import the types, the module and the helpers by paths that exist', () => {
    // Prepare
    const root = new URL('../../../', import.meta.url);
    const exists = (from: string, specifier: string) =>
      readFileSync(fileURLToPath(new URL(specifier.replace(/\.js$/, '.ts'), new URL(from, root))), 'utf8');
    const module = 'functions/consume/handlers/store/channel/[channel_id]/cart/created.ts';
    const test = 'test/unit/consume/handlers/store/channel/[channel_id]/cart/created.test.ts';

    // Act
    const moduleImports = [
      ...renderModule('store/channel/{channel_id}/cart/created').matchAll(/from '([^']+)'/g),
    ];
    const testImports = [
      ...renderTest('store/channel/{channel_id}/cart/created').matchAll(/from '(\.[^']+)'/g),
    ];

    // Assess
    expect(moduleImports.map(([, path]) => path)).toEqual(['../../../../types.js']);
    expect(() => exists(module, moduleImports[0]?.[1] ?? '')).not.toThrow();
    const helpers = testImports.find(([, path]) => path?.includes('helpers'))?.[1] ?? '';
    expect(() => exists(test, helpers)).not.toThrow();
  });
});
