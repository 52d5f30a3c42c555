import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createUninstallHandler,
  tableMarker,
} from '../../functions/consume/handlers/store/app/uninstalled.js';
import { loadReconcileConfig } from '../../functions/reconcile/config.js';
import { createReconcileRun } from '../../functions/reconcile/run.js';
import { readBody } from '../../local/read-body.js';
import { SANDBOX_STORE_HASHES } from '../../local/sandbox/stores.js';
import { keyed, logger } from '../../shared/logger.js';
import { reconcilerClients } from '../../shared/provisioning/clients.js';
import { startOfflineChain } from '../helpers/offline-chain.js';
import { until } from '../helpers/until.js';

interface Status {
  converged: boolean;
  resources: { resource: string; scope?: string; status: string; active?: boolean }[];
}

const [FIRST = '', SECOND = ''] = SANDBOX_STORE_HASHES;
const FUNCTION = 'bigcommerce-webhooks-dev-reconcile';

/** A command of this repository run as a user runs it (`npx tsx <file> ...`), with its output and exit code. */
const run = (file: string, args: string[], env: Record<string, string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('npx', ['tsx', file, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

/**
 * Drift repair offline and unattended: two sandbox stores provisioned through the provision API, one's
 * webhooks deactivated with `npm run sandbox -- deactivate`, then `npm run reconcile` (cli/reconcile.ts)
 * invoking the reconcile function over Lambda's Invoke API: here a stand-in on 127.0.0.1 that runs the
 * function's code in this process, configured from the stack's variables as the deployed function is.
 */
describe('Offline stack: npm run reconcile repairs what drifted', () => {
  let chain: Awaited<ReturnType<typeof startOfflineChain>>;
  let lambda: Server;
  let lambdaUrl: string;

  beforeEach(async () => {
    chain = await startOfflineChain({
      handlers: {
        // The built-in handler as deployed, on this chain's stores table.
        'store/app/uninstalled': createUninstallHandler(tableMarker()),
        'store/category/updated': () => undefined,
        'store/order/created': () => undefined,
      },
    });
    // The function as its handler builds it, from the variables the chain set.
    const clients = reconcilerClients(loadReconcileConfig(), keyed(logger));
    const reconcile = createReconcileRun({
      registry: clients.registry,
      leases: clients.leases,
      provision: clients.deps,
      settingsOf: clients.settingsOf,
      concurrency: 2,
      storeBudgetMs: 10_000,
      metrics: { addMetric: () => undefined },
      clock: { now: () => Date.now() },
      logger: keyed(logger),
    });
    lambda = createServer((request, response) => {
      void (async () => {
        await readBody(request);
        if (request.url !== `/2015-03-31/functions/${FUNCTION}/invocations`) {
          response.writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException' }).end('{}');
          return;
        }
        const report = await reconcile({}, { getRemainingTimeInMillis: () => 120_000 });
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      })();
    });
    await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
    lambdaUrl = `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`;
  }, 60_000);

  afterEach(async () => {
    await new Promise((resolve) => lambda?.close(resolve));
    await chain?.stop();
  });

  const reconcileCli = () =>
    run('cli/reconcile.ts', ['--stage', 'dev'], {
      AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });

  it("reactivates exactly the deactivated store's webhooks, exits 0, and status shows every webhook active", async () => {
    // Prepare: two stores provisioned and listed, then one store's webhooks deactivated as after 90 days
    for (const storeHash of [FIRST, SECOND]) {
      expect((await chain.request('POST', '/provision', { storeHash })).status).toBe(200);
    }
    const listed = await chain.request('GET', '/provision');
    const deactivated = await run(
      'local/sandbox/main.ts',
      ['deactivate', '--store', SECOND, '--url', chain.stack.env.BIGCOMMERCE_API_URL ?? ''],
      {},
    );
    const before = (await chain.request('GET', `/provision/${SECOND}`)).body as Status;

    // Act
    const reconciled = await reconcileCli();
    const again = await reconcileCli();

    // Assess
    expect(listed.body.stores.map((store: { storeHash: string }) => store.storeHash).sort()).toEqual(
      [FIRST, SECOND].sort(),
    );
    expect(deactivated.code).toBe(0);
    expect(deactivated.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^deactivated store\/app\/uninstalled /),
      expect.stringMatching(/^deactivated store\/category\/updated /),
      expect.stringMatching(/^deactivated store\/order\/created /),
    ]);
    expect(before.converged).toBe(false);
    expect(reconciled.code).toBe(0);
    const lines = reconciled.stdout.trim().split('\n');
    expect(lines).toContain(
      `${SECOND}  repaired: webhook store/app/uninstalled updated, webhook store/category/updated updated, webhook store/order/created updated`,
    );
    expect(lines).toContain(`${FIRST}  converged: nothing to repair`);
    expect(lines.at(-1)).toBe('2 store(s): 1 converged, 1 repaired');
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('repaired:');
    for (const storeHash of [FIRST, SECOND]) {
      const status = (await chain.request('GET', `/provision/${storeHash}`)).body as Status;
      expect(status.converged).toBe(true);
      const webhooks = status.resources.filter((entry) => entry.resource === 'webhook');
      expect(webhooks).toHaveLength(3);
      expect(webhooks.every((entry) => entry.status === 'present' && entry.active === true)).toBe(true);
    }
    const lastRuns = (await chain.request('GET', '/provision')).body.stores.map(
      (store: { lastRun: { outcome: string } }) => store.lastRun.outcome,
    );
    expect(lastRuns).toEqual(['converged', 'converged']);
  }, 60_000);

  it('exits 1 and says why when a store cannot be reconciled', async () => {
    // Prepare: the store's token is revoked (the app's token is gone)
    expect((await chain.request('POST', '/provision', { storeHash: FIRST })).status).toBe(200);
    chain.stack.sandbox.revokeToken(FIRST);

    // Act
    const reconciled = await reconcileCli();

    // Assess
    expect(reconciled.code).toBe(1);
    expect(reconciled.stdout).toContain(`${FIRST}  FAILED at preflight: AccessRefusedError`);
    expect(reconciled.stdout).toContain('(permanent: skipped until POST /provision records a new run)');
    const listed = (await chain.request('GET', '/provision')).body.stores[0];
    expect(listed.lastRun).toMatchObject({ outcome: 'failed', permanent: true, type: 'AccessRefusedError' });
  }, 60_000);

  it("tears down an uninstalled store's AWS side on the next run and unregisters it, leaving the other store", async () => {
    // Prepare: BigCommerce sends store/app/uninstalled, then deletes the app's webhooks and its token
    for (const storeHash of [FIRST, SECOND]) {
      expect((await chain.request('POST', '/provision', { storeHash })).status).toBe(200);
    }
    // created_at is whole seconds, and an uninstall no later than the last POST's second marks nothing (the
    // handler errs toward keeping a store's chain): the uninstall happens in the next second.
    await chain.fire({
      storeHash: FIRST,
      scope: 'store/app/uninstalled',
      data: { type: 'app' },
      createdAt: Math.floor(Date.now() / 1000) + 1,
    });
    await until(async () =>
      (await chain.request('GET', '/provision')).body.stores.some(
        (store: { storeHash: string; uninstalledAt?: string }) =>
          store.storeHash === FIRST && store.uninstalledAt,
      ),
    );
    const sandbox = chain.stack.sandbox;
    sandbox.state.webhooks.splice(
      0,
      sandbox.state.webhooks.length,
      ...sandbox.state.webhooks.filter((hook) => hook.storeHash !== FIRST),
    );
    sandbox.revokeToken(FIRST);

    // Act
    const reconciled = await reconcileCli();

    // Assess
    expect(reconciled.code).toBe(0);
    expect(reconciled.stdout).toContain(
      `${FIRST}  uninstalled: torn down (target deleted, rule deleted, bus deleted) and unregistered`,
    );
    expect(reconciled.stdout).toContain(`${SECOND}  converged: nothing to repair`);
    const listed = (await chain.request('GET', '/provision')).body.stores;
    expect(listed.map((store: { storeHash: string }) => store.storeHash)).toEqual([SECOND]);
    const buses = chain.stack.eventBridge.inspect.buses().map((bus: { name: string }) => bus.name);
    expect(buses.some((name: string) => name.endsWith(`-${FIRST}`))).toBe(false);
    expect(buses.some((name: string) => name.endsWith(`-${SECOND}`))).toBe(true);
  }, 60_000);
});
