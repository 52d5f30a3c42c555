import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createReconcileRun } from '../../functions/reconcile/run.js';
import { startDynamo } from '../../local/dynamo.js';
import { startEventBridgeEmulator } from '../../local/eventbridge/emulator.js';
import { partnerClients, partnerSourceHook } from '../../local/sandbox/partner-source-hook.js';
import { startSandbox } from '../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../shared/bigcommerce/graphql/client.js';
import { createPreflightCache } from '../../shared/bigcommerce/graphql/preflight.js';
import type { KeyedLogger } from '../../shared/logger.js';
import { provision } from '../../shared/provisioning/provision.js';
import { reconcileStore } from '../../shared/provisioning/reconcile-store.js';
import { dynamoStoreRegistry } from '../../shared/provisioning/registry.js';
import { sharedListing } from '../../shared/provisioning/source-listing.js';
import { dynamoStoreLeases } from '../../shared/provisioning/stores-table.js';
import type { ProvisionDeps, ProvisionSettings } from '../../shared/provisioning/types.js';
import { progress, type Sample, summarize } from './stats.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TOKEN = 'bench-token';
const CLIENT_ID = '4yk6pb824t53hirbuz5akdr652lpjb2';
const PREFIX = 'bigcommerce-webhooks-bench';
const SCOPES = ['store/category/updated', 'store/order/created', 'store/product/*'];
/** EventBridge operations that change state. */
const MUTATING = /^(Create|Put|Delete|Remove|Update|Activate|Deactivate|Tag|Untag)/;

export interface ReconcileFigures {
  stores: number;
  concurrency: number;
  latency_ms_per_call: number;
  /** The whole no-op scheduled run over every store. */
  ms_all_stores: number;
  /** One store's no-op run (lease, registry read, the reconciler's reads, result, release), median. */
  ms_one_store: number;
  /** (stores / concurrency) x one store's time: the run if stores overlapped perfectly. */
  ms_ideal: number;
  /** The whole run over the ideal. */
  vs_ideal: number;
  /** Calls per store of the no-op run, averaged over every store (the listing's scans included). */
  calls_per_store: { dynamodb: number; bigcommerce: number; eventbridge: number };
  /** Calls of the run that change anything (EventBridge mutations, BigCommerce mutations): 0 for a no-op. */
  mutating_calls: number;
  /** Calls per store by operation, averaged, for reading where the time goes. */
  by_operation: Record<string, number>;
  one_store: Sample;
}

const quiet: KeyedLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quiet,
};

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The scheduled reconcile, no-op, over `storeCount` registered stores that have not drifted, against the
 * EventBridge emulator, the BigCommerce sandbox and dynalite over HTTP, each with `latencyMs` added to every
 * call (DynamoDB's through a client middleware), `concurrency` stores at a time; beside it one store's run
 * alone, so the whole run reads against (stores / concurrency) x one store. Each measured run starts with a
 * cold preflight cache and lists the partner sources once, as a scheduled invocation in a new container
 * does (the whole run once for every store, one store's run for itself). Setting up (provisioning every
 * store) adds no latency and is not measured.
 */
export const measureReconcile = async (
  storeCount: number,
  concurrency: number,
  latencyMs: number,
  oneStoreRuns: number,
): Promise<ReconcileFigures> => {
  const stores = Array.from({ length: storeCount }, (_, i) => `bench${String(i).padStart(4, '0')}`);
  const emulator = await startEventBridgeEmulator({
    port: 0,
    account: ACCOUNT,
    region: REGION,
    // An account whose bus quota was raised for its stores (AWS's default is 100).
    behaviour: { eventBuses: storeCount + 10 },
  });
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const hookClients = partnerClients({ endpoint: emulator.url, credentials });
  const sandbox = await startSandbox({
    accounts: stores.map((storeHash) => ({ storeHash, token: TOKEN, clientId: CLIENT_ID })),
    onEventSourceCreated: partnerSourceHook(hookClients),
  });
  const dynamo = await startDynamo(0);
  const dynamoCalls: Record<string, number> = {};
  const latency = { dynamodb: 0 };
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      dynamoCalls[name] = (dynamoCalls[name] ?? 0) + 1;
      if (latency.dynamodb > 0) await delay(latency.dynamodb);
      return next(args);
    },
    { step: 'initialize', name: 'benchCountAndDelay' },
  );
  const eventBridge = new EventBridgeClient({ endpoint: emulator.url, region: REGION, credentials });
  try {
    const table = await dynamo.createStoresTable(`${PREFIX}-stores`);
    const registry = dynamoStoreRegistry(client, table);
    const leases = dynamoStoreLeases(client, table);
    const settings: ProvisionSettings = {
      awsAccount: ACCOUNT,
      region: REGION,
      clientId: CLIENT_ID,
      managedBy: PREFIX,
      queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${PREFIX}-events`,
      deadLetterQueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${PREFIX}-events-dlq`,
      ruleName: `${PREFIX}-to-queue`,
      targetId: 'webhook-queue',
      sourceWaitMs: 10_000,
    };
    /** A run's clients as a fresh container has them: a cold preflight cache, no listing of sources yet. */
    const depsWith = (): ProvisionDeps => ({
      eventBridge,
      graphqlFor: async (storeHash) => createStoreGraphQL({ apiUrl: sandbox.url, storeHash, token: TOKEN }),
      preflightCache: createPreflightCache(),
      logger: quiet,
    });

    // Set up, unmeasured and without latency: every store provisioned and registered as a POST leaves it.
    const setup = depsWith();
    let next = 0;
    const provisionNext = async () => {
      while (next < stores.length) {
        const storeHash = stores[next] ?? '';
        next += 1;
        const desired = { scopes: SCOPES, eventSourceName: `${PREFIX}-${storeHash}`, prune: false };
        const startedAt = Date.now();
        const result = await provision({ storeHash, ...desired, dryRun: false }, settings, setup);
        if (!result.converged) throw new Error(`setting up ${storeHash}: ${JSON.stringify(result.drift)}`);
        await registry.record(storeHash, desired, startedAt, { outcome: 'converged' });
        if (next % 100 === 0) progress(`reconcile: set up ${next}/${stores.length} stores`);
      }
    };
    await Promise.all(Array.from({ length: 20 }, provisionNext));

    emulator.faults.inject({ operation: '*', latencyMs, times: Number.POSITIVE_INFINITY });
    sandbox.faults.add({ delayMs: latencyMs, times: Number.POSITIVE_INFINITY });
    latency.dynamodb = latencyMs;
    const runSettings = () => ({
      ...settings,
      deadline: Date.now() + 3_600_000,
      leaseUntil: Date.now() + 3_600_000,
    });
    const storeDeps = (deps: ProvisionDeps) => ({
      registry,
      leases,
      provision: deps,
      clock: { now: () => Date.now() },
      logger: quiet,
    });

    // One store alone, each a different store, each a run of its own (cold cache, its own listing).
    const oneStore: number[] = [];
    for (let run = 0; run < oneStoreRuns; run += 1) {
      progress(`reconcile: one store, run ${run + 1}/${oneStoreRuns}`);
      const start = process.hrtime.bigint();
      const alone = { ...depsWith(), listSources: sharedListing(eventBridge) };
      const report = await reconcileStore(stores[run % stores.length] ?? '', runSettings(), storeDeps(alone));
      oneStore.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (report.outcome !== 'converged') throw new Error(`one-store run: ${JSON.stringify(report)}`);
    }

    progress(`reconcile: all ${stores.length} stores, ${concurrency} at a time`);
    const eventBridgeBefore = emulator.calls();
    const graphqlBefore = sandbox.calls.length;
    const mutationsBefore = sandbox.calls.filter((call) => call.operation === 'mutation').length;
    const dynamoBefore = { ...dynamoCalls };
    // The function's own run (functions/reconcile/run.ts), given more time than Lambda's 15 minutes.
    const run = createReconcileRun({
      registry,
      leases,
      provision: depsWith(),
      settingsOf: (deadline) => ({ ...settings, deadline }),
      concurrency,
      storeBudgetMs: 30_000,
      metrics: { addMetric: () => undefined },
      clock: { now: () => Date.now() },
      logger: quiet,
    });
    const start = process.hrtime.bigint();
    const report = await run({}, { getRemainingTimeInMillis: () => 3_600_000 });
    const msAll = Number(process.hrtime.bigint() - start) / 1e6;
    if (!report.complete || report.counts.converged !== stores.length) {
      throw new Error(`the no-op run did not find every store converged: ${JSON.stringify(report.counts)}`);
    }
    const delta = (after: Record<string, number>, before: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(after)
          .map(([op, n]): [string, number] => [op, n - (before[op] ?? 0)])
          .filter(([, n]) => n > 0),
      );
    const eventBridgeCalls = delta(emulator.calls(), eventBridgeBefore);
    const dynamoRun = delta(dynamoCalls, dynamoBefore);
    const graphqlCalls = sandbox.calls.length - graphqlBefore;
    const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
    const perStore = (n: number) => Math.round((n / stores.length) * 100) / 100;
    const byOperation = Object.fromEntries(
      [
        ...Object.entries(eventBridgeCalls).map(([op, n]): [string, number] => [`EventBridge ${op}`, n]),
        ...Object.entries(dynamoRun).map(([op, n]): [string, number] => [
          `DynamoDB ${op.replace(/Command$/, '')}`,
          n,
        ]),
        ['BigCommerce GraphQL', graphqlCalls] as [string, number],
      ].map(([op, n]) => [op, perStore(n)]),
    );
    const mutating =
      sum(Object.fromEntries(Object.entries(eventBridgeCalls).filter(([op]) => MUTATING.test(op)))) +
      sandbox.calls.filter((call) => call.operation === 'mutation').length -
      mutationsBefore;
    const one = summarize(oneStore);
    const ideal = (stores.length / concurrency) * one.median;
    return {
      stores: stores.length,
      concurrency,
      latency_ms_per_call: latencyMs,
      ms_all_stores: Math.round(msAll),
      ms_one_store: Math.round(one.median),
      ms_ideal: Math.round(ideal),
      vs_ideal: Math.round((msAll / ideal) * 100) / 100,
      calls_per_store: {
        dynamodb: perStore(sum(dynamoRun)),
        bigcommerce: perStore(graphqlCalls),
        eventbridge: perStore(sum(eventBridgeCalls)),
      },
      mutating_calls: mutating,
      by_operation: byOperation,
      one_store: one,
    };
  } finally {
    client.destroy();
    eventBridge.destroy();
    hookClients.destroy();
    await dynamo.stop();
    await sandbox.close();
    await emulator.close();
  }
};
