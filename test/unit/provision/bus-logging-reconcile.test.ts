import {
  CloudWatchLogsClient,
  CreateDeliveryCommand,
  DeleteDeliveryCommand,
  PutDeliverySourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReconcileRun } from '../../../functions/reconcile/run.js';
import { type LocalCloudWatchLogs, startCloudWatchLogs } from '../../../local/cloudwatch-logs.js';
import { partnerSourceHook } from '../../../local/sandbox/partner-source-hook.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../../shared/bigcommerce/graphql/client.js';
import { loggingNamesOf } from '../../../shared/provisioning/bus-logging.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { reconcileStore } from '../../../shared/provisioning/reconcile-store.js';
import type { DesiredState } from '../../../shared/provisioning/registry.js';
import type { ProvisionDeps } from '../../../shared/provisioning/types.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { memoryLeases } from '../../helpers/memory-leases.js';
import { memoryRegistry } from '../../helpers/memory-registry.js';
import { type ProvisionEventBridge, startProvisionEventBridge } from '../../helpers/provision-eventbridge.js';
import { CLIENT_ID, SCOPES, settings, TOKEN } from '../../helpers/provision-harness.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const MUTATING = /^(Create|Update|Put|Delete|Tag|Untag|Remove)/;
const STORES = ['logstore01', 'logstore02', 'logstore03'];
const desiredOf = (storeHash: string): DesiredState => ({
  scopes: SCOPES,
  eventSourceName: `${settings.managedBy}-${storeHash}`,
  prune: false,
  logging: 'info',
});

describe('Function: reconcile (bus logging: one listing of the deliveries per run)', () => {
  let eventBridge: ProvisionEventBridge;
  let sandbox: Sandbox;
  let logs: LocalCloudWatchLogs;
  let client: CloudWatchLogsClient;
  /** Called with the store's hash as its run starts (its credentials step), before its logging step. */
  let onStoreRun: (storeHash: string) => Promise<void>;

  const deps = (): ProvisionDeps => ({
    eventBridge: eventBridge.client,
    logs: client,
    graphqlFor: async (storeHash) => {
      await onStoreRun(storeHash);
      return createStoreGraphQL({ apiUrl: sandbox.url, storeHash, token: TOKEN });
    },
    logger: createFakeLogger().logger,
    sleep: async () => undefined,
  });
  const describeDeliveries = () => logs.calls.filter((name) => name === 'DescribeDeliveries').length;
  const mutations = () => [
    ...eventBridge.mutations(),
    ...logs.calls.filter((name) => MUTATING.test(name)),
    ...sandbox.calls.filter((call) => call.operation === 'mutation').map(() => 'graphql mutation'),
  ];
  const forgetCalls = () => {
    eventBridge.forgetCalls();
    logs.calls.length = 0;
    sandbox.calls.length = 0;
  };

  /** Every store provisioned at info by a POST and registered, as the scheduled run finds them. */
  const provisioned = async () => {
    // The steps check the deadline against the wall clock: the injected one starts there and stays.
    const clock = { now: Date.now() };
    const memory = memoryRegistry(() => clock.now);
    for (const storeHash of STORES) {
      const result = await provision({ storeHash, ...desiredOf(storeHash), dryRun: false }, settings, deps());
      expect(result.converged).toBe(true);
      await memory.registry.record(storeHash, desiredOf(storeHash), clock.now, { outcome: 'converged' });
    }
    const leases = memoryLeases(() => clock.now).leases;
    const run = createReconcileRun({
      registry: memory.registry,
      leases,
      provision: deps(),
      settingsOf: (deadline) => ({ ...settings, deadline }),
      concurrency: 1,
      storeBudgetMs: 30_000,
      metrics: { addMetric: () => undefined },
      clock: { now: () => clock.now },
      logger: { info: () => undefined, warn: () => undefined },
    });
    return { registry: memory.registry, leases, run, clock };
  };

  /** `count` other deliveries in the account (another deployment's), so a listing takes two pages. */
  const foreignDeliveries = async (count: number) => {
    const destinationArn = logs.destinations()[0]?.arn ?? '';
    for (let index = 0; index < count; index += 1) {
      const name = `another-deployment-${index}`;
      const resourceArn = `arn:aws:events:${settings.region}:${settings.awsAccount}:event-bus/other-${index}`;
      await client.send(new PutDeliverySourceCommand({ name, resourceArn, logType: 'INFO_LOGS' }));
      await client.send(
        new CreateDeliveryCommand({ deliverySourceName: name, deliveryDestinationArn: destinationArn }),
      );
    }
  };

  const deliveryOf = (storeHash: string, logType: string) =>
    logs
      .deliveries()
      .filter(
        (delivery) => delivery.deliverySourceName === loggingNamesOf(storeHash, settings).sourceName(logType),
      );

  beforeAll(async () => {
    eventBridge = await startProvisionEventBridge();
    sandbox = await startSandbox({
      accounts: STORES.map((storeHash) => ({ storeHash, token: TOKEN, clientId: CLIENT_ID })),
      onEventSourceCreated: partnerSourceHook(eventBridge.partners),
    });
    logs = await startCloudWatchLogs();
    client = new CloudWatchLogsClient({
      endpoint: logs.url,
      region: settings.region,
      credentials,
      maxAttempts: 1,
    });
  });

  beforeEach(() => {
    eventBridge.reset();
    sandbox.state.eventSources.length = 0;
    sandbox.state.webhooks.length = 0;
    sandbox.faults.clear();
    sandbox.calls.length = 0;
    logs.reset();
    onStoreRun = async () => undefined;
  });

  afterAll(async () => {
    client.destroy();
    await logs.close();
    await sandbox.close();
    await eventBridge.close();
  });

  it('lists the deliveries once for every store of a no-op run, and changes nothing', async () => {
    // Prepare: 3 stores x 2 deliveries and 45 others: 51 deliveries, 2 pages a listing.
    const { run } = await provisioned();
    await foreignDeliveries(45);
    forgetCalls();

    // Act
    const report = await run({}, { getRemainingTimeInMillis: () => 900_000 });

    // Assess
    expect(report.counts.converged).toBe(STORES.length);
    expect(describeDeliveries()).toBe(2);
    expect(mutations()).toEqual([]);
  });

  it('without the shared listing, each store lists every delivery itself (what the run saves)', async () => {
    // Prepare
    const { registry, leases, clock } = await provisioned();
    await foreignDeliveries(45);
    forgetCalls();

    // Act: each store alone, as a POST's reconciler lists.
    for (const storeHash of STORES) {
      const report = await reconcileStore(
        storeHash,
        { ...settings, deadline: clock.now + 900_000, leaseUntil: clock.now + 900_000 },
        {
          registry,
          leases,
          provision: deps(),
          clock: { now: () => clock.now },
          logger: { warn: () => undefined },
        },
      );
      expect(report.outcome).toBe('converged');
    }

    // Assess
    expect(describeDeliveries()).toBe(2 * STORES.length);
  });

  it('lists a store again live when the shared listing misses its delivery: made since, not made twice; gone, put back', async () => {
    // Prepare: store 2's info delivery is gone when the run lists, and made again (a POST) before its run;
    // store 3's is gone for good.
    const { run } = await provisioned();
    const [first, second, third] = STORES as [string, string, string];
    const destinationArn = logs.destinations()[0]?.arn ?? '';
    const secondName = loggingNamesOf(second, settings).sourceName('INFO_LOGS');
    for (const storeHash of [second, third]) {
      const id = deliveryOf(storeHash, 'INFO_LOGS')[0]?.id;
      await client.send(new DeleteDeliveryCommand({ id }));
    }
    onStoreRun = async (storeHash) => {
      if (storeHash !== second) return;
      await client.send(
        new CreateDeliveryCommand({ deliverySourceName: secondName, deliveryDestinationArn: destinationArn }),
      );
      logs.calls.pop();
    };
    forgetCalls();

    // Act
    const report = await run({}, { getRemainingTimeInMillis: () => 900_000 });

    // Assess
    expect(report.stores.map((store) => [store.storeHash, store.outcome])).toEqual([
      [first, 'converged'],
      [second, 'converged'],
      [third, 'repaired'],
    ]);
    expect(deliveryOf(second, 'INFO_LOGS')).toHaveLength(1);
    expect(deliveryOf(third, 'INFO_LOGS')).toHaveLength(1);
    // The run's listing; store 2's own; store 3's own, before its repair and in the read after it. One
    // delivery created: store 3's.
    expect(describeDeliveries()).toBe(4);
    expect(mutations()).toEqual(['CreateDelivery']);
  });
});
