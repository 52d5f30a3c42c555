import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Left out of the copy: what git ignores and what serverless builds. */
const LEFT_OUT = new Set(['node_modules', '.git', '.esbuild', '.serverless', 'coverage', '.bench', '.ci']);
/** A copy of the service for one soak; `remove` deletes it. */
export interface ServiceCopy {
  dir: string;
  remove(): void;
}

/**
 * Copies the service (its files; node_modules through a link) to a temporary folder for serverless
 * offline to run in: serverless-esbuild builds into the service folder's `.esbuild`, which any other
 * `serverless package` or `serverless offline` in the same folder (the test suite's, a developer's
 * `npm start`) replaces mid-soak, and the soak's invocations then fail with `Cannot find module`.
 * consume's timeout is not the copy's business: the soak passes it as the `consumeTimeout` parameter.
 */
export const copyService = (prefix: string): ServiceCopy => {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
  try {
    cpSync(ROOT, dir, {
      recursive: true,
      filter: (source) => !LEFT_OUT.has(source.slice(ROOT.length).split('/')[0] ?? ''),
    });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  } catch (error) {
    remove();
    throw error;
  }
  return { dir, remove };
};
