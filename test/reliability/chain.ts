import { EventBridgeClient, ListEventSourcesCommand } from '@aws-sdk/client-eventbridge';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../local/eventbridge/index.js';
import type { Behaviour } from '../../local/eventbridge/state.js';
import { partnerClients, partnerSourceHook } from '../../local/sandbox/partner-source-hook.js';
import type { SchemaVariant } from '../../local/sandbox/schema.js';
import { type Sandbox, startSandbox } from '../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../shared/bigcommerce/graphql/client.js';
import type { ProvisionDeps } from '../../shared/provisioning/types.js';
import { createFakeLogger } from '../helpers/fake-logger.js';
import {
  CLIENT_ID,
  provisionRequest,
  SCOPES,
  STORE_HASH,
  settings,
  TOKEN,
} from '../helpers/provision-harness.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The GraphQL client's per-request timeout in these tests: a sandbox delay above it is a timeout. */
export const GRAPHQL_TIMEOUT_MS = 200;

/**
 * The chain's clock: the emulator measures its delete windows on it, and every wait the run asks for
 * (provisioning's and the GraphQL retries') moves it forward instead of passing real time. A wait still
 * yields one turn of the event loop, so requests in flight (a concurrent run, a late answer) can land.
 */
export const createTestClock = (start = Date.parse('2026-12-01T00:00:00Z')) => {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
};

/** Mutating EventBridge operations of the chain and of teardown. */
const MUTATING_OPERATIONS = [
  'CreateEventBus',
  'PutRule',
  'PutTargets',
  'RemoveTargets',
  'DeleteRule',
  'DeleteEventBus',
];

/** What is left of the chain: one count per resource kind, webhooks as `scope -> [active, ...]`. */
export interface ChainResources {
  sources: number;
  buses: number;
  rules: number;
  targets: number;
  webhooks: Record<string, boolean[]>;
}

/**
 * The real chain on 127.0.0.1: the EventBridge emulator over HTTP (real SDK client, default retries) and
 * the BigCommerce sandbox whose createEventSource creates the partner source in that emulator. The
 * GraphQL client keeps the production retry policy but with millisecond backoff and a short timeout.
 */
export const startChain = async (
  options: { token?: string; variant?: SchemaVariant; behaviour?: Partial<Behaviour> } = {},
) => {
  const token = options.token ?? TOKEN;
  const clock = createTestClock();
  const emulator: EventBridgeEmulator = await startEventBridgeEmulator({
    port: 0,
    account: settings.awsAccount,
    region: settings.region,
    clock: clock.now,
    ...(options.behaviour && { behaviour: options.behaviour }),
  });
  const client = (maxAttempts?: number) =>
    new EventBridgeClient({ region: settings.region, endpoint: emulator.url, credentials, maxAttempts });
  const partners = partnerClients({ endpoint: emulator.url, credentials });
  const partner = partners.clientFor(settings.region);
  const eventBridge = client();
  // A fresh SDK client's first call is slow (config and credential resolution); make it before the
  // timeouts under test can mistake it for a slow server.
  await Promise.all([partner, eventBridge].map((c) => c.send(new ListEventSourcesCommand({}))));
  emulator.reset();
  const sandbox: Sandbox = await startSandbox({
    accounts: [{ storeHash: STORE_HASH, token, clientId: CLIENT_ID }],
    onEventSourceCreated: partnerSourceHook(partners),
    ...(options.variant && { variant: options.variant }),
  });
  const waits: number[] = [];
  const log = createFakeLogger();
  const deps: ProvisionDeps = {
    eventBridge,
    graphqlFor: async (storeHash) =>
      createStoreGraphQL({
        apiUrl: sandbox.url,
        storeHash,
        token,
        timeoutMs: GRAPHQL_TIMEOUT_MS,
        retry: {
          baseDelayMs: 5,
          maxDelayMs: 40,
          sleep: async (ms) => {
            waits.push(ms);
            await clock.sleep(ms);
          },
        },
        logger: log.logger,
      }),
    logger: log.logger,
    sleep: clock.sleep,
  };
  const request = provisionRequest;

  return {
    emulator,
    sandbox,
    deps,
    log,
    /** Every wait the GraphQL client's retries asked for, in ms. */
    waits,
    request,
    /** Mutations received: GraphQL mutations by BigCommerce, mutating operations by EventBridge. */
    mutations: () => {
      const calls = emulator.calls();
      const aws = MUTATING_OPERATIONS.reduce((sum, name) => sum + (calls[name] ?? 0), 0);
      return aws + sandbox.calls.filter((call) => call.operation === 'mutation').length;
    },
    /** Every call received by either side. */
    allCalls: () =>
      Object.values(emulator.calls()).reduce((sum, count) => sum + count, 0) + sandbox.calls.length,
    resources: (): ChainResources => {
      const buses = emulator.inspect.buses().filter((bus) => bus.name.startsWith('aws.partner/'));
      const rules = buses.flatMap((bus) => emulator.inspect.rules(bus.name).map((rule) => ({ bus, rule })));
      const webhooks: Record<string, boolean[]> = {};
      for (const hook of sandbox.state.webhooks) {
        webhooks[hook.scope] = [...(webhooks[hook.scope] ?? []), hook.isActive];
      }
      return {
        sources: emulator.inspect.sources().length,
        buses: buses.length,
        rules: rules.length,
        targets: rules.reduce(
          (sum, { bus, rule }) => sum + emulator.inspect.targets(rule.name, bus.name).length,
          0,
        ),
        webhooks,
      };
    },
    close: async () => {
      await sandbox.close();
      await emulator.close();
      partners.destroy();
      eventBridge.destroy();
    },
  };
};

export type Chain = Awaited<ReturnType<typeof startChain>>;

/** The resources of a chain provisioned exactly once: one of each, one active webhook per scope. */
export const ONE_OF_EACH: ChainResources = {
  sources: 1,
  buses: 1,
  rules: 1,
  targets: 1,
  webhooks: Object.fromEntries(SCOPES.map((scope) => [scope, [true]])),
};

/** `1 source, 1 bus, 1 rule, 1 target, 3 webhooks (1 per scope)`, for the printed table. */
export const describeResources = (found: ChainResources) => {
  const hooks = Object.values(found.webhooks);
  const perScope = new Set(hooks.map((list) => list.length));
  const count = hooks.reduce((sum, list) => sum + list.length, 0);
  return `${found.sources} source, ${found.buses} bus, ${found.rules} rule, ${found.targets} target, ${count} webhooks (${[...perScope].join('/')} per scope)`;
};
