import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Left out of the copy: what git ignores and what serverless builds (`.esbuild`, `.serverless`). */
const LEFT_OUT = new Set(['node_modules', '.git', '.esbuild', '.serverless', 'coverage']);

/** A copy of the work tree in a temporary folder; `remove` deletes it. */
export interface WorkTreeCopy {
  dir: string;
  remove(): void;
}

/**
 * A copy of the work tree (its own files, the same node_modules through a link), for a test that runs
 * serverless in it. serverless-esbuild builds in the service folder's `.esbuild`: two test files running
 * `serverless package` or `serverless offline` in the one tree at once replace each other's bundles
 * (`Cannot find module .esbuild/.build/...` mid-run); each in its own copy, they cannot.
 */
export const copyWorkTree = (prefix: string): WorkTreeCopy => {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => !LEFT_OUT.has(source.slice(ROOT.length).split('/')[0] ?? ''),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  // Retried: serverless, stopping, may still be removing its own build folder inside the copy (ENOTEMPTY).
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10 }) };
};
