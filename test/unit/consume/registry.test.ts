import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { handlers } from '../../../functions/consume/handlers/registry.js';
import { isScopePattern } from '../../../shared/bigcommerce/scopes/index.js';

const root = fileURLToPath(new URL('../../../functions/consume/handlers/', import.meta.url));
const NOT_HANDLERS = new Set(['registry.ts', 'types.ts']);

const moduleFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return moduleFiles(path);
    return entry.name.endsWith('.ts') && !NOT_HANDLERS.has(relative(root, path)) ? [path] : [];
  });

/** Where a scope's module lives: `store/product/*` -> store/product/_all.ts, `{channel_id}` -> [channel_id]. */
const pathOf = (pattern: string) =>
  `${pattern.replace(/\/\*$/, '/_all').replace('{channel_id}', '[channel_id]')}.ts`;

describe('Handler registry', () => {
  it('registers only catalog scopes and family wildcards', () => {
    for (const pattern of Object.keys(handlers)) expect(isScopePattern(pattern), pattern).toBe(true);
  });

  it('registers every handler module under the scope its path names', async () => {
    // Prepare
    const files = moduleFiles(root);
    const registered = new Map(
      Object.entries(handlers).map(([pattern, handle]) => [handle as unknown, pattern]),
    );

    // Act
    const placements = await Promise.all(
      files.map(async (file) => {
        const module = (await import(file)) as { handle?: unknown };
        return { file: relative(root, file), pattern: registered.get(module.handle) };
      }),
    );

    // Assess
    expect(placements.length).toBe(Object.keys(handlers).length);
    for (const { file, pattern } of placements) {
      expect(pattern, `${file} is not in registry.ts`).toBeDefined();
      expect(file).toBe(pathOf(pattern ?? ''));
    }
  });
});
