import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Left out of the copy: what git ignores and what serverless builds. */
const LEFT_OUT = new Set(['node_modules', '.git', '.esbuild', '.serverless', 'coverage', '.bench', '.ci']);
/** serverless.yml's one line that sets consume's timeout (`timeout: ${self:custom.consumeTimeout}`). */
const CONSUME_TIMEOUT_LINE = /^ {2}consumeTimeout: \d+$/m;

/** A copy of the service for one soak; `remove` deletes it. */
export interface ServiceCopy {
  dir: string;
  remove(): void;
}

/**
 * Copies the service (its files; node_modules through a link) to a temporary folder for serverless
 * offline to run in, with consume's timeout set to `consumeTimeoutSeconds`. A copy, for two reasons:
 * serverless-esbuild builds into the service folder's `.esbuild`, which any other `serverless package`
 * or `serverless offline` in the same folder replaces mid-soak (`Cannot find module`); and a crashed
 * invocation's dedupe lock lasts until the function's deadline, so a soak that kills invocations needs a
 * timeout of seconds, not the deployed 30 s, or each killed batch would wait half a minute to run again.
 * serverless.yml takes the timeout from no parameter, so the copy's `custom.consumeTimeout` line is set;
 * when that line is not there, this throws rather than soak with the deployed timeout.
 */
export const copyService = (prefix: string, consumeTimeoutSeconds: number): ServiceCopy => {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true, maxRetries: 10 });
  try {
    cpSync(ROOT, dir, {
      recursive: true,
      filter: (source) => !LEFT_OUT.has(source.slice(ROOT.length).split('/')[0] ?? ''),
    });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    const config = join(dir, 'serverless.yml');
    const text = readFileSync(config, 'utf8');
    if (!CONSUME_TIMEOUT_LINE.test(text))
      throw new Error(
        'serverless.yml has no `  consumeTimeout: <seconds>` line under custom: the soak cannot set it',
      );
    writeFileSync(config, text.replace(CONSUME_TIMEOUT_LINE, `  consumeTimeout: ${consumeTimeoutSeconds}`));
  } catch (error) {
    remove();
    throw error;
  }
  return { dir, remove };
};
