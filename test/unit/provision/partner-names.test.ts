import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partnerSourceHook } from '../../../local/sandbox/partner-source-hook.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../../shared/bigcommerce/graphql/client.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { findSource } from '../../../shared/provisioning/source.js';
import { teardown } from '../../../shared/provisioning/teardown.js';
import type { ProvisionDeps } from '../../../shared/provisioning/types.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import {
  type ProvisionEventBridge,
  REGION,
  startProvisionEventBridge,
} from '../../helpers/provision-eventbridge.js';
import {
  CLIENT_ID,
  EVENT_SOURCE_NAME,
  provisionRequest,
  STORE_HASH,
  settings,
  TOKEN,
} from '../../helpers/provision-harness.js';

/** The name the sandbox gives the harness store's source when it issues BigCommerce's `.test` names. */
const TEST_SOURCE_NAME = `aws.partner/bigcommerce.com.test/sandbox/${CLIENT_ID}/${EVENT_SOURCE_NAME}`;
/** Sources of the same last segment from partners that are not BigCommerce. */
const FOREIGN_SOURCE_NAMES = [
  `aws.partner/bigcommerce.commerce/sandbox/${CLIENT_ID}/${EVENT_SOURCE_NAME}`,
  `aws.partner/shopify.com/sandbox/${CLIENT_ID}/${EVENT_SOURCE_NAME}`,
];
const sourceArnOf = (name: string) => `arn:aws:events:${REGION}::event-source/${name}`;
const teardownRequest = { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, dryRun: false };

describe('Provisioning: the partner source names of BigCommerce test stores', () => {
  let eventBridge: ProvisionEventBridge;
  let sandbox: Sandbox;
  let deps: ProvisionDeps;

  beforeEach(async () => {
    eventBridge = await startProvisionEventBridge();
    sandbox = await startSandbox({
      accounts: [{ storeHash: STORE_HASH, token: TOKEN, clientId: CLIENT_ID }],
      partnerName: 'bigcommerce.com.test',
      onEventSourceCreated: partnerSourceHook(eventBridge.partners),
    });
    const noSleep = async () => undefined;
    deps = {
      eventBridge: eventBridge.client,
      graphqlFor: async (storeHash) =>
        createStoreGraphQL({
          apiUrl: sandbox.url,
          storeHash,
          token: TOKEN,
          retry: { sleep: noSleep, random: () => 0.5 },
        }),
      logger: createFakeLogger().logger,
      sleep: noSleep,
    };
  });

  afterEach(async () => {
    await sandbox.close();
    await eventBridge.close();
  });

  it("finds the store's source under aws.partner/bigcommerce.com.test/, and not another partner's of the same name", async () => {
    // Prepare
    for (const name of [...FOREIGN_SOURCE_NAMES, TEST_SOURCE_NAME])
      await eventBridge.createPartnerSource(name);

    // Act
    const found = await findSource(eventBridge.client, EVENT_SOURCE_NAME);

    // Assess
    expect(found).toEqual({ name: TEST_SOURCE_NAME, arn: sourceArnOf(TEST_SOURCE_NAME), state: 'PENDING' });
  });

  it('finds no source when only partners other than BigCommerce have one of that name', async () => {
    // Prepare
    for (const name of FOREIGN_SOURCE_NAMES) await eventBridge.createPartnerSource(name);

    // Act
    const found = await findSource(eventBridge.client, EVENT_SOURCE_NAME);

    // Assess
    expect(found).toBeUndefined();
  });

  it('provisions a store whose event sources are named .test, and tears its whole chain down', async () => {
    // Act
    const provisioned = await provision(provisionRequest(), settings, deps);
    const removed = await teardown(teardownRequest, settings, deps);

    // Assess
    expect(provisioned.entries.map((entry) => entry.action)).toEqual(Array(7).fill('created'));
    expect(provisioned.entries[1]).toMatchObject({ resource: 'bus', name: TEST_SOURCE_NAME });
    expect(removed.converged).toBe(true);
    expect(removed.entries.map((entry) => [entry.resource, entry.action])).toEqual([
      ['webhook', 'deleted'],
      ['webhook', 'deleted'],
      ['webhook', 'deleted'],
      ['target', 'deleted'],
      ['rule', 'deleted'],
      ['bus', 'deleted'],
      ['source', 'unchanged'],
    ]);
    expect(eventBridge.resources()).toEqual({ buses: 0, rules: 0, targets: 0 });
    expect(sandbox.state.webhooks).toEqual([]);
  });

  it("tears down by name the webhooks of a .test source no longer listed, leaving another partner's", async () => {
    // Prepare: the store's source is gone from EventBridge, and a webhook points at another partner's
    // source whose name ends like this store's.
    await provision(provisionRequest(), settings, deps);
    const [template] = sandbox.state.webhooks;
    if (!template) throw new Error('no webhook provisioned');
    const foreign = sourceArnOf(FOREIGN_SOURCE_NAMES[0] ?? '');
    sandbox.state.webhooks.push({ ...template, id: 999, destination: foreign });
    eventBridge.reset();

    // Act
    await teardown(teardownRequest, settings, deps);

    // Assess
    expect(sandbox.state.webhooks.map((hook) => hook.destination)).toEqual([foreign]);
  });
});
