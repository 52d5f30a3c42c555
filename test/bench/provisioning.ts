import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { startDynamo } from '../../local/dynamo.js';
import { startEventBridgeEmulator } from '../../local/eventbridge/emulator.js';
import { partnerClients, partnerSourceHook } from '../../local/sandbox/partner-source-hook.js';
import { startSandbox } from '../../local/sandbox/server.js';
import { fakeContext } from '../helpers/context.js';
import { loadEvent } from '../helpers/load-event.js';
import { benchScopes } from './scopes.js';
import { pairRatios, progress, type Ratios, rotation, type Sample, summarize } from './stats.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TOKEN = 'bench-token';
const CLIENT_ID = '4yk6pb824t53hirbuz5akdr652lpjb2';
/** EventBridge operations that change state. */
const MUTATING = /^(Create|Put|Delete|Remove|Update|Activate|Deactivate|Tag|Untag)/;

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ProvisionFigures {
  ms_1_scope: number;
  ms_10_scopes: number;
  ms_50_scopes: number;
  noop_rerun_mutating_calls: number;
  latency_ms_per_call: number;
  /** Per round (one run of each scope count, back to back): the wall time over 1 scope's. */
  ratios: { scopes_50_vs_1: Ratios; scopes_10_vs_1: Ratios };
  /** Calls per run (EventBridge + BigCommerce requests) for each scope count, from the last repetition. */
  calls: Record<string, number>;
  /** The mutating calls of the no-op re-run by operation (empty when there are none). */
  noop_rerun_by_operation: Record<string, number>;
  samples: Record<string, Sample>;
}

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([op, n]): [string, number] => [op, n - (before[op] ?? 0)])
      .filter(([, n]) => n > 0),
  );

/**
 * Wall time of `POST /provision` through the real HTTP adapter (functions/provision/handler.ts, in this
 * process) against the BigCommerce sandbox and the EventBridge emulator over HTTP, each with `latencyMs`
 * added to every call; each run provisions a new store from nothing. After one unmeasured run, each round
 * runs every scope count once, back to back in a rotating order, so the round's ratios to 1 scope are pairs
 * a drift of the machine moves alike. Then a re-run on a provisioned store, counting the calls that change
 * anything on either side.
 */
export const measureProvisioning = async (
  sizes: readonly [number, number, number],
  reps: number,
  latencyMs: number,
): Promise<ProvisionFigures> => {
  // One store per run: the warm-up, each measured run; the no-op re-run reuses the last.
  const stores = Array.from({ length: sizes.length * reps + 1 }, (_, i) => `bench${i}`);
  const emulator = await startEventBridgeEmulator({ port: 0, account: ACCOUNT, region: REGION });
  const hookClients = partnerClients({
    endpoint: emulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const sandbox = await startSandbox({
    accounts: stores.map((storeHash) => ({ storeHash, token: TOKEN, clientId: CLIENT_ID })),
    onEventSourceCreated: partnerSourceHook(hookClients),
  });
  // The stores table, where each run takes its store's lease (no latency added: two calls per run).
  const dynamo = await startDynamo(0);
  try {
    // The function reads its configuration at import, as in Lambda: set it first.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      // serverless.yml sets it for the function; so does this process, which runs the handler itself.
      AWS_ACCOUNT_ID: ACCOUNT,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_EVENTBRIDGE: emulator.url,
      BIGCOMMERCE_API_URL: sandbox.url,
      BIGCOMMERCE_CLIENT_ID: CLIENT_ID,
      BIGCOMMERCE_ACCESS_TOKEN: TOKEN,
      WEBHOOK_QUEUE_NAME: 'bigcommerce-webhooks-bench-events',
      WEBHOOK_DLQ_NAME: 'bigcommerce-webhooks-bench-events-dlq',
      EVENT_SOURCE_NAME_PREFIX: 'bigcommerce-webhooks-bench',
      RULE_NAME: 'bigcommerce-webhooks-bench-to-queue',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      STORES_TABLE_NAME: await dynamo.createStoresTable('bigcommerce-webhooks-bench-stores'),
    });
    const { handler } = (await import('../../functions/provision/handler.js')) as unknown as {
      handler: Handler;
    };
    emulator.faults.inject({ operation: '*', latencyMs, times: Number.POSITIVE_INFINITY });
    sandbox.faults.add({ delayMs: latencyMs, times: Number.POSITIVE_INFINITY });

    const post = async (storeHash: string, scopes: number) => {
      const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
      event.body = JSON.stringify({ storeHash, scopes: benchScopes.slice(0, scopes), allowUnhandled: true });
      const start = process.hrtime.bigint();
      const response = await handler(event, fakeContext('bigcommerce-webhooks-bench-provision'));
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const body = JSON.parse(response.body ?? '{}') as { entries?: { resource: string; action: string }[] };
      if (response.statusCode !== 200) throw new Error(`POST /provision answered ${response.body}`);
      return { ms, entries: body.entries ?? [] };
    };
    const counts = () => ({ ...emulator.calls(), graphql: sandbox.calls.length });

    let next = 0;
    const calls: Record<string, number> = {};
    let last = { store: '', size: 0 };
    const provision = async (size: number) => {
      const before = counts();
      last = { store: stores[next] ?? '', size };
      next += 1;
      const { ms, entries } = await post(last.store, size);
      const created = entries.filter((entry) => entry.resource === 'webhook' && entry.action === 'created');
      if (created.length !== size) throw new Error(`${size} scopes: ${created.length} webhooks created`);
      calls[`${size}`] = Object.values(diff(counts(), before)).reduce((a, b) => a + b, 0);
      return ms;
    };
    // Unmeasured: the first run of a warm function also reads the store's schema (cached per container).
    progress('provisioning: warm-up run');
    await provision(sizes[0]);
    const durations: Record<string, number[]> = Object.fromEntries(sizes.map((size) => [`${size}`, []]));
    for (let rep = 0; rep < reps; rep += 1) {
      progress(`provisioning: round ${rep + 1}/${reps} (${sizes.join(', ')} scopes, rotating)`);
      for (const size of rotation(sizes, rep)) durations[`${size}`]?.push(await provision(size));
    }
    const of = (size: number) => durations[`${size}`] ?? [];
    const samples = Object.fromEntries(sizes.map((size) => [`${size}`, summarize(of(size))]));

    progress('provisioning: no-op re-run');
    const eventBridgeBefore = emulator.calls();
    const mutationsBefore = sandbox.calls.filter((call) => call.operation === 'mutation').length;
    const rerun = await post(last.store, last.size);
    if (rerun.entries.some((entry) => entry.action !== 'unchanged')) {
      throw new Error(`the re-run changed something: ${JSON.stringify(rerun.entries)}`);
    }
    const byOperation = Object.fromEntries(
      Object.entries(diff(emulator.calls(), eventBridgeBefore)).filter(([op]) => MUTATING.test(op)),
    );
    const mutations = sandbox.calls.filter((call) => call.operation === 'mutation').length - mutationsBefore;
    if (mutations > 0) byOperation['BigCommerce GraphQL mutation'] = mutations;

    const median = (size: number) => Math.round(samples[`${size}`]?.median ?? 0);
    return {
      ms_1_scope: median(sizes[0]),
      ms_10_scopes: median(sizes[1]),
      ms_50_scopes: median(sizes[2]),
      noop_rerun_mutating_calls: Object.values(byOperation).reduce((a, b) => a + b, 0),
      latency_ms_per_call: latencyMs,
      ratios: {
        scopes_50_vs_1: pairRatios(of(sizes[2]), of(sizes[0])),
        scopes_10_vs_1: pairRatios(of(sizes[1]), of(sizes[0])),
      },
      calls,
      noop_rerun_by_operation: byOperation,
      samples,
    };
  } finally {
    hookClients.destroy();
    await dynamo.stop();
    await sandbox.close();
    await emulator.close();
  }
};
