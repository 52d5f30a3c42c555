import { spawn } from 'node:child_process';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { InvokeBatch } from './event-source-mapping.js';
import { waitForPort } from './ports.js';
import { HOST } from './stack-config.js';

export interface ServerlessOffline {
  httpUrl: string;
  lambdaUrl: string;
  stop(): Promise<void>;
}

/**
 * Resolves once no process of the group `pid` leads is left: the child spawned is `npx`, which can exit
 * while serverless, its grandchild, still runs its shutdown (serverless-esbuild's watcher rebuilding into
 * `.esbuild` as the folder is deleted). Sends SIGKILL to what is left after 5 s, and gives up after 10 s.
 */
const groupGone = async (pid: number): Promise<void> => {
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  // Bounded: a process that outlives SIGKILL by 5 s more (a zombie nobody reaps) is left to the system.
  for (let waited = 0; alive() && waited < 10_000; waited += 50) {
    if (waited >= 5_000) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * Starts `serverless offline` (serverless-offline + serverless-esbuild: the same bundles as a deploy) in
 * its own process group, with `env` as the functions' environment (`--localEnvironment`) and `params` as
 * serverless.yml's `${param:...}` values (`--param`), for what serverless.yml itself sets from the deployed
 * stack. Its output goes to `output`, line by line.
 *
 * Saved handler modules take effect without a restart: serverless-esbuild watches the sources in offline
 * mode, rebuilds the bundles and fires serverless offline's `offline:functionsUpdated`, which ends the warm
 * worker threads, so the next invocation loads the new bundle (about 0.3 s from save to rebuilt bundle
 * here). Not `--reloadHandler`: it would make every invocation a cold start, not only those after a save.
 */
export const startServerlessOffline = async (options: {
  httpPort: number;
  lambdaPort: number;
  env: Record<string, string>;
  params?: Record<string, string>;
  output: (line: string) => void;
  /**
   * The service directory to run in (default: the current one). serverless-esbuild builds into its
   * `.esbuild/`, which a `serverless package` in the same directory replaces, so a long run (a soak in
   * the test suite) takes a copy of its own.
   */
  cwd?: string;
}): Promise<ServerlessOffline> => {
  const child = spawn(
    'npx',
    [
      'serverless',
      'offline',
      '--host',
      HOST,
      '--httpPort',
      String(options.httpPort),
      '--lambdaPort',
      String(options.lambdaPort),
      '--localEnvironment',
      '--noPrependStageInUrl',
      // API Gateway checks the IAM signature in AWS; serverless offline cannot, and would mistake it for JWT.
      '--noAuth',
      ...Object.entries(options.params ?? {}).map(([name, value]) => `--param=${name}=${value}`),
    ],
    {
      env: { ...process.env, ...options.env, SLS_TELEMETRY_DISABLED: '1' },
      detached: true,
      stdio: 'pipe',
      cwd: options.cwd,
    },
  );
  // Ready once it says it listens on both ports: an open port alone could be another process's, one that
  // took a port meant for it (serverless then exits with EADDRINUSE).
  const awaited = new Set([
    `listening on http://${HOST}:${options.lambdaPort}`,
    `Server ready: http://${HOST}:${options.httpPort}`,
  ]);
  let announced: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => {
    announced = resolve;
  });
  let buffer = '';
  const forward = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      for (const text of awaited) if (line.includes(text)) awaited.delete(text);
      if (awaited.size === 0) announced();
      options.output(line);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(killer);
    }
    if (child.pid) await groupGone(child.pid);
  };
  try {
    const exited = () => child.exitCode !== null || child.signalCode !== null;
    await waitForPort(options.httpPort, 120_000, exited);
    await waitForPort(options.lambdaPort, 30_000, exited);
    // It says so before the ports open, so a short wait is only for the last lines to arrive.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      listening,
      exitedPromise.then(() => {
        throw new Error('serverless offline exited before it listened on its ports');
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`serverless offline did not say it listens: ${[...awaited].join('; ')}`)),
          10_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    httpUrl: `http://${HOST}:${options.httpPort}`,
    lambdaUrl: `http://${HOST}:${options.lambdaPort}`,
    stop,
  };
};

/**
 * Invokes a function through serverless offline's Lambda API (the Invoke operation), as Lambda's event
 * source mapping does; a function error rejects, so the batch stays on the queue.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export const lambdaInvoker =
  (lambdaUrl: string, functionName: string): InvokeBatch =>
  async (event: SQSEvent) => {
    const response = await fetch(`${lambdaUrl}/2015-03-31/functions/${functionName}/invocations`, {
      method: 'POST',
      body: JSON.stringify(event),
    });
    const payload = (await response.json()) as (SQSBatchResponse & { errorMessage?: string }) | null;
    if (!response.ok || response.headers.get('x-amz-function-error') || payload?.errorMessage) {
      throw new Error(`consume failed: ${payload?.errorMessage ?? response.status}`);
    }
    return payload;
  };
