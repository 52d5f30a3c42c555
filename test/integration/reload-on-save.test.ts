import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SANDBOX_STORE } from '../../local/stack.js';
import { until } from '../helpers/until.js';
import { copyWorkTree } from '../helpers/work-tree-copy.js';

const HANDLER = 'functions/consume/handlers/store/category/updated.ts';

/** `npm start`'s stack in `cwd` (test/helpers/stack-child.ts), with its output lines collected. */
const startChild = (cwd: string) => {
  const lines: string[] = [];
  let ready: { http: string; sandbox: string } | undefined;
  // One node process with tsx's loader, not the tsx CLI: the CLI is a parent that relays SIGTERM to its child
  // and SIGKILLs it when the child does not acknowledge within 30 ms (a busy machine), which ended the stack
  // mid-stop and left serverless writing its bundles into the copy as the test removed it (ENOTEMPTY).
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/stack-child.ts'], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its last words, for the failure message when it exits before it is ready.
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString('utf8')).slice(-4000);
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.startsWith('{')) continue;
      const message = JSON.parse(part) as { line?: string; ready?: typeof ready };
      if (message.ready) ready = message.ready;
      if (message.line) lines.push(message.line);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  return {
    lines,
    ready: () => ready,
    exited: () => child.exitCode !== null,
    why: () => `exit code ${child.exitCode}, stderr: ${errors.trim() || '(none)'}`,
    stop,
  };
};

describe('Offline stack: reload on save', () => {
  it('runs a handler module saved while the stack runs on the next events, with no restart', async () => {
    // Prepare
    const tree = copyWorkTree('reload-on-save');
    const copy = tree.dir;
    const stack = startChild(copy);
    try {
      await until(() => stack.ready() !== undefined || stack.exited(), 90_000);
      const urls = stack.ready();
      if (!urls) throw new Error(`the offline stack did not start: ${stack.why()}`);
      const provisioned = await fetch(`${urls.http}/provision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ storeHash: SANDBOX_STORE.storeHash }),
      });
      expect(provisioned.status).toBe(200);
      let id = 0;
      /** Fires store/category/updated with a new id; resolves with the message its handler logged. */
      const fireAndRead = async () => {
        id += 1;
        const fired = id;
        await fetch(`${urls.sandbox}/__sandbox/fire`, {
          method: 'POST',
          body: JSON.stringify({
            storeHash: SANDBOX_STORE.storeHash,
            scope: 'store/category/updated',
            id: fired,
          }),
        });
        let message: string | undefined;
        await until(() => {
          const line = stack.lines.find((candidate) => candidate.includes(`"categoryId":${fired}`));
          message = line === undefined ? undefined : (JSON.parse(line) as { message: string }).message;
          return message !== undefined;
        }, 5_000).catch(() => undefined);
        return message;
      };
      // A new rule takes a short while to apply: the first events may go nowhere.
      await until(async () => (await fireAndRead()) === 'category updated', 60_000);

      // Act
      const handler = join(copy, HANDLER);
      writeFileSync(
        handler,
        readFileSync(handler, 'utf8').replace("'category updated'", "'category updated, saved'"),
      );
      // The bundle is rebuilt a few hundred ms after the save: an event fired before that runs the old code.
      await until(async () => (await fireAndRead()) === 'category updated, saved', 60_000);
      const next = await fireAndRead();

      // Assess
      expect(next).toBe('category updated, saved');
      expect(stack.exited()).toBe(false);
    } finally {
      await stack.stop();
      tree.remove();
    }
  }, 240_000);
});
