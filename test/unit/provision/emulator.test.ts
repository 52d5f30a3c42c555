import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EventBridgeEmulator, startEventBridgeEmulator } from '../../../local/eventbridge/emulator.js';
import { partnerClients, partnerSourceHook } from '../../../local/sandbox/partner-source-hook.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../../shared/bigcommerce/graphql/client.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { status } from '../../../shared/provisioning/status.js';
import { teardown } from '../../../shared/provisioning/teardown.js';
import type { ProvisionDeps } from '../../../shared/provisioning/types.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import {
  CLIENT_ID,
  EVENT_SOURCE_NAME,
  SCOPES,
  STORE_HASH,
  settings,
  TOKEN,
} from '../../helpers/provision-harness.js';

describe('Function: provision against the EventBridge emulator over HTTP', () => {
  let emulator: EventBridgeEmulator;
  let sandbox: Sandbox;
  let deps: ProvisionDeps;

  beforeAll(async () => {
    emulator = await startEventBridgeEmulator({
      port: 0,
      account: settings.awsAccount,
      region: settings.region,
    });
    // The same variable the offline stack sets: the SDK's default configuration picks it up.
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', emulator.url);
    sandbox = await startSandbox({
      accounts: [{ storeHash: STORE_HASH, token: TOKEN, clientId: CLIENT_ID }],
      onEventSourceCreated: partnerSourceHook(partnerClients()),
    });
    deps = {
      eventBridge: new EventBridgeClient({}),
      graphqlFor: async (storeHash) => createStoreGraphQL({ apiUrl: sandbox.url, storeHash, token: TOKEN }),
      logger: createFakeLogger().logger,
    };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await sandbox.close();
    await emulator.close();
  });

  it('provisions, re-runs without change, reports status, tears down and provisions again', async () => {
    // Prepare
    const request = {
      storeHash: STORE_HASH,
      scopes: SCOPES,
      eventSourceName: EVENT_SOURCE_NAME,
      dryRun: false,
      prune: false,
    };

    // Act
    const first = await provision(request, settings, deps);
    const callsAfterFirst = emulator.calls();
    const second = await provision(request, settings, deps);
    const callsAfterSecond = emulator.calls();
    const report = await status(
      { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, scopes: SCOPES },
      settings,
      deps,
    );
    const removed = await teardown(
      { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, dryRun: false },
      settings,
      deps,
    );
    const again = await provision(request, settings, deps);

    // Assess
    expect(first.entries.map((entry) => entry.action)).toEqual(Array(7).fill('created'));
    expect(second.entries.map((entry) => entry.action)).toEqual(Array(7).fill('unchanged'));
    for (const mutating of ['CreateEventBus', 'PutRule', 'PutTargets']) {
      expect(callsAfterSecond[mutating]).toBe(callsAfterFirst[mutating]);
    }
    expect(report.resources[0]).toMatchObject({ resource: 'source', status: 'present', state: 'ACTIVE' });
    expect(removed.entries.filter((entry) => entry.action === 'deleted')).toHaveLength(6);
    expect(again.entries[0]).toMatchObject({ resource: 'source', action: 'unchanged' });
    const [bus] = emulator.inspect.buses().filter((candidate) => candidate.name.startsWith('aws.partner/'));
    expect(bus?.name).toBe(`aws.partner/bigcommerce.com/sandbox/${CLIENT_ID}/${EVENT_SOURCE_NAME}`);
    expect(emulator.inspect.targets(settings.ruleName, bus?.name)).toHaveLength(1);
  });
});
