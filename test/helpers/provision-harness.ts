import { partnerSourceHook } from '../../local/sandbox/partner-source-hook.js';
import { type Sandbox, startSandbox } from '../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../shared/bigcommerce/graphql/client.js';
import type { ProvisionRequest } from '../../shared/provisioning/provision.js';
import type { ProvisionDeps, ProvisionSettings } from '../../shared/provisioning/types.js';
import { createFakeLogger } from './fake-logger.js';
import { ACCOUNT, REGION, startProvisionEventBridge } from './provision-eventbridge.js';

export const STORE_HASH = 'k7q2m9x4p1';
export const TOKEN = 'sandbox-token-for-k7q2m9x4p1';
export const CLIENT_ID = '4yk6pb824t53hirbuz5akdr652lpjb2';
export const QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:bigcommerce-webhooks-test-events`;
export const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:bigcommerce-webhooks-test-events-dlq`;
export const EVENT_SOURCE_NAME = `bigcommerce-webhooks-test-${STORE_HASH}`;
/** What the sandbox names the partner source for {@link EVENT_SOURCE_NAME}. */
export const FULL_SOURCE_NAME = `aws.partner/bigcommerce.com/sandbox/${CLIENT_ID}/${EVENT_SOURCE_NAME}`;
export const SCOPES = ['store/category/updated', 'store/order/created', 'store/product/*'];

export const settings: ProvisionSettings = {
  awsAccount: ACCOUNT,
  region: REGION,
  clientId: CLIENT_ID,
  managedBy: 'bigcommerce-webhooks-test',
  queueArn: QUEUE_ARN,
  deadLetterQueueArn: DLQ_ARN,
  ruleName: 'bigcommerce-webhooks-test',
  targetId: 'webhook-queue',
  sourceWaitMs: 10_000,
};

/** The harness store's provision request, with `overrides`. */
export const provisionRequest = (overrides: Partial<ProvisionRequest> = {}): ProvisionRequest => ({
  storeHash: STORE_HASH,
  scopes: SCOPES,
  eventSourceName: EVENT_SOURCE_NAME,
  dryRun: false,
  prune: false,
  ...overrides,
});

/**
 * The sandbox and the EventBridge emulator on 127.0.0.1, wired like the offline stack: the sandbox's
 * createEventSource hook creates the partner source in the emulator. With `hiddenForLists`, each new
 * source is left out of that many ListEventSources calls first. Sleeps are recorded, not waited.
 */
export const startProvisionHarness = async (options: { hiddenForLists?: number } = {}) => {
  const eventBridge = await startProvisionEventBridge({
    behaviour: { sourceHiddenForLists: options.hiddenForLists ?? 0 },
  });
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await startSandbox({
      accounts: [{ storeHash: STORE_HASH, token: TOKEN, clientId: CLIENT_ID }],
      onEventSourceCreated: partnerSourceHook(eventBridge.partners),
    });
  } catch (error) {
    await eventBridge.close();
    throw error;
  }
  const running = sandbox;
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const log = createFakeLogger();
  const deps: ProvisionDeps = {
    eventBridge: eventBridge.client,
    graphqlFor: async (storeHash) =>
      createStoreGraphQL({
        apiUrl: running.url,
        storeHash,
        token: TOKEN,
        retry: { sleep, random: () => 0.5 },
      }),
    logger: log.logger,
    sleep,
  };
  const request = provisionRequest;
  return {
    eventBridge,
    sandbox: running,
    deps,
    log,
    sleeps,
    request,
    /** GraphQL mutations BigCommerce received. */
    bigCommerceMutations: () => running.calls.filter((call) => call.operation === 'mutation'),
    /**
     * Back to the state right after start, for a file that shares one harness between tests: no partner
     * source, bus, rule, target or webhook, no armed fault, no recorded call, sleep or log line.
     */
    reset: () => {
      eventBridge.reset();
      running.state.eventSources.length = 0;
      running.state.webhooks.length = 0;
      running.faults.clear();
      running.calls.length = 0;
      sleeps.length = 0;
      log.lines.length = 0;
    },
    /** Forgets the calls made so far (state is kept), to count the calls of the next run alone. */
    resetCalls: () => {
      eventBridge.forgetCalls();
      running.calls.length = 0;
    },
    close: async () => {
      await running.close();
      await eventBridge.close();
    },
  };
};

export type ProvisionHarness = Awaited<ReturnType<typeof startProvisionHarness>>;
