import { CloudWatchLogsClient, DeleteDeliveryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalCloudWatchLogs, startCloudWatchLogs } from '../../../local/cloudwatch-logs.js';
import { loggingNamesOf } from '../../../shared/provisioning/bus-logging.js';
import { ProvisionError } from '../../../shared/provisioning/errors.js';
import { provision } from '../../../shared/provisioning/provision.js';
import { status } from '../../../shared/provisioning/status.js';
import { teardown } from '../../../shared/provisioning/teardown.js';
import type { Entry, LoggingEntry, ProvisionDeps } from '../../../shared/provisioning/types.js';
import {
  EVENT_SOURCE_NAME,
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  SCOPES,
  STORE_HASH,
  settings,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const MUTATING = /^(Create|Update|Put|Delete|Tag|Untag|Remove)/;
const BUS_ARN = `arn:aws:events:${settings.region}:${settings.awsAccount}:event-bus/${FULL_SOURCE_NAME}`;
const names = loggingNamesOf(STORE_HASH, settings);
const LOG_GROUP_ARN = `arn:aws:logs:${settings.region}:${settings.awsAccount}:log-group:/aws/vendedlogs/events/${settings.managedBy}`;

const logging = (entries: readonly Entry[]) =>
  entries
    .filter((entry): entry is LoggingEntry => entry.resource === 'logging')
    .map((entry) => `${entry.part}:${entry.logType ?? entry.level ?? ''}:${entry.action}`);

describe('Step: EventBridge logging of the partner bus', () => {
  let h: ProvisionHarness;
  let logs: LocalCloudWatchLogs;
  let client: CloudWatchLogsClient;
  let deps: ProvisionDeps;

  const request = (level: 'off' | 'error' | 'info' | 'trace', dryRun = false) =>
    h.request({ logging: level, dryRun });
  const busLogConfig = () =>
    h.eventBridge.emulator.inspect.buses().find((bus) => bus.name === FULL_SOURCE_NAME)?.logConfig;
  const mutations = () => [
    ...h.eventBridge.calls().filter((name) => MUTATING.test(name)),
    ...logs.calls.filter((name) => MUTATING.test(name)),
  ];
  const forgetCalls = () => {
    h.resetCalls();
    logs.calls.length = 0;
  };

  beforeAll(async () => {
    h = await startProvisionHarness();
    logs = await startCloudWatchLogs();
    // One attempt: an injected failure is the run's failure, not hidden by an SDK retry.
    client = new CloudWatchLogsClient({
      endpoint: logs.url,
      region: settings.region,
      credentials,
      maxAttempts: 1,
    });
  });

  beforeEach(() => {
    h.reset();
    logs.reset();
    deps = { ...h.deps, logs: client };
  });

  afterAll(async () => {
    client.destroy();
    await logs.close();
    await h.close();
  });

  it('turns logging on at info: the LogConfig, the destination, and an error and an info delivery', async () => {
    // Act
    const result = await provision(request('info'), settings, deps);

    // Assess
    expect(result.converged).toBe(true);
    expect(logging(result.entries)).toEqual([
      'log-config:info:created',
      'destination::created',
      'delivery:ERROR_LOGS:created',
      'delivery:INFO_LOGS:created',
    ]);
    expect(busLogConfig()).toEqual({ Level: 'INFO', IncludeDetail: 'NONE' });
    const [destination] = logs.destinations();
    expect(destination?.deliveryDestinationConfiguration.destinationResourceArn).toBe(LOG_GROUP_ARN);
    expect(logs.sources().map((source) => [source.name, source.logType, source.resourceArns])).toEqual([
      [names.sourceName('ERROR_LOGS'), 'ERROR_LOGS', [BUS_ARN]],
      [names.sourceName('INFO_LOGS'), 'INFO_LOGS', [BUS_ARN]],
    ]);
    expect(logs.deliveries().map((delivery) => delivery.deliveryDestinationArn)).toEqual([
      destination?.arn,
      destination?.arn,
    ]);
  });

  it('re-runs at the same level with reads only: 0 mutating calls', async () => {
    // Prepare
    await provision(request('info'), settings, deps);
    forgetCalls();

    // Act
    const again = await provision(request('info'), settings, deps);

    // Assess
    expect(again.converged).toBe(true);
    expect(again.entries.every((entry) => entry.action === 'unchanged')).toBe(true);
    expect(mutations()).toEqual([]);
    // The step's reads: the bus's LogConfig, the destination, three sources and one page of deliveries.
    expect(logs.calls.sort()).toEqual([
      'DescribeDeliveries',
      'GetDeliveryDestination',
      'GetDeliverySource',
      'GetDeliverySource',
      'GetDeliverySource',
    ]);
  });

  it('changes the level: down to error removes the info delivery, up to trace adds info and trace', async () => {
    // Prepare
    await provision(request('info'), settings, deps);

    // Act
    const down = await provision(request('error'), settings, deps);
    const afterDown = logs.sources().map((source) => source.logType);
    const up = await provision(request('trace'), settings, deps);

    // Assess
    expect(logging(down.entries)).toEqual([
      'log-config:error:updated',
      'destination::unchanged',
      'delivery:ERROR_LOGS:unchanged',
      'delivery:INFO_LOGS:deleted',
    ]);
    expect(afterDown).toEqual(['ERROR_LOGS']);
    expect(logging(up.entries)).toEqual([
      'log-config:trace:updated',
      'destination::unchanged',
      'delivery:ERROR_LOGS:unchanged',
      'delivery:INFO_LOGS:created',
      'delivery:TRACE_LOGS:created',
    ]);
    expect(up.converged).toBe(true);
    expect(busLogConfig()?.Level).toBe('TRACE');
    expect(logs.deliveries()).toHaveLength(3);
  });

  it('off removes the deliveries and sources, then the LogConfig; a second off run reads the bus only', async () => {
    // Prepare
    await provision(request('trace'), settings, deps);

    // Act
    const off = await provision(request('off'), settings, deps);
    forgetCalls();
    const again = await provision(request('off'), settings, deps);

    // Assess
    expect(logging(off.entries)).toEqual([
      'delivery:ERROR_LOGS:deleted',
      'delivery:INFO_LOGS:deleted',
      'delivery:TRACE_LOGS:deleted',
      'log-config:off:deleted',
    ]);
    expect(off.converged).toBe(true);
    expect(busLogConfig()?.Level).toBe('OFF');
    expect(logs.sources()).toEqual([]);
    expect(logs.deliveries()).toEqual([]);
    // The deployment's destination stays: other stores' deliveries use it.
    expect(logs.destinations()).toHaveLength(1);
    expect(logging(again.entries)).toEqual([]);
    expect(logs.calls).toEqual([]);
    expect(mutations()).toEqual([]);
  });

  it('plans in a dry run (would-create) and changes nothing', async () => {
    // Prepare
    await provision(request('off'), settings, deps);
    forgetCalls();

    // Act
    const plan = await provision(request('info', true), settings, deps);

    // Assess
    expect(logging(plan.entries)).toEqual([
      'log-config:info:would-create',
      'destination::would-create',
      'delivery:ERROR_LOGS:would-create',
      'delivery:INFO_LOGS:would-create',
    ]);
    expect(plan.converged).toBe(false);
    expect(mutations()).toEqual([]);
    expect(busLogConfig()?.Level ?? 'OFF').toBe('OFF');
  });

  it('reports a removed delivery and a changed level as drifted in status', async () => {
    // Prepare
    await provision(request('info'), settings, deps);
    const info = logs
      .deliveries()
      .find((delivery) => delivery.deliverySourceName === names.sourceName('INFO_LOGS'));
    await client.send(new DeleteDeliveryCommand({ id: info?.id ?? '' }));
    await h.eventBridge.client.send(
      new UpdateEventBusCommand({
        Name: FULL_SOURCE_NAME,
        LogConfig: { Level: 'ERROR', IncludeDetail: 'NONE' },
      }),
    );

    // Act
    const report = await status(
      { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, scopes: SCOPES, logging: 'info' },
      settings,
      deps,
    );

    // Assess
    expect(report.converged).toBe(false);
    const rows = report.resources
      .map((row) => row as Record<string, unknown>)
      .filter((row) => row.resource === 'logging')
      .map((row) => `${row.part}:${row.logType ?? ''}:${row.status}`);
    expect(rows).toEqual([
      'log-config::drifted',
      'destination::present',
      'delivery:ERROR_LOGS:present',
      'delivery:INFO_LOGS:drifted',
    ]);
  });

  it('tears the deliveries and sources down with the bus; the destination stays', async () => {
    // Prepare
    await provision(request('info'), settings, deps);

    // Act
    const removed = await teardown(
      { storeHash: STORE_HASH, eventSourceName: EVENT_SOURCE_NAME, dryRun: false },
      settings,
      deps,
    );

    // Assess
    expect(removed.converged).toBe(true);
    expect(logging(removed.entries)).toEqual(['delivery:ERROR_LOGS:deleted', 'delivery:INFO_LOGS:deleted']);
    expect(logs.sources()).toEqual([]);
    expect(logs.deliveries()).toEqual([]);
    expect(h.eventBridge.emulator.inspect.buses().some((bus) => bus.name === FULL_SOURCE_NAME)).toBe(false);
  });

  it('a run that fails half way (CreateDelivery refused) is finished by the next run', async () => {
    // Prepare
    await provision(request('off'), settings, deps);
    logs.failNext('CreateDelivery');

    // Act
    const failed = await provision(request('info'), settings, deps).catch((error: unknown) => error);
    const halfway = { level: busLogConfig()?.Level, deliveries: logs.deliveries().length };
    const repaired = await provision(request('info'), settings, deps);

    // Assess
    expect(failed).toBeInstanceOf(ProvisionError);
    expect((failed as ProvisionError).step).toBe('logging');
    // The LogConfig went on first, so what the failure left says there is work to finish.
    expect(halfway).toEqual({ level: 'INFO', deliveries: 0 });
    expect(repaired.converged).toBe(true);
    expect(logging(repaired.entries)).toEqual([
      'log-config:info:unchanged',
      'destination::unchanged',
      'delivery:ERROR_LOGS:updated',
      'delivery:INFO_LOGS:created',
    ]);
    expect(logs.deliveries()).toHaveLength(2);
  });

  it('fits a store hash of 32 characters in the 60-character delivery source names', () => {
    // Act
    const long = loggingNamesOf('a'.repeat(32), {
      ...settings,
      managedBy: 'bigcommerce-webhooks-production',
    });

    // Assess
    const source = long.sourceName('TRACE_LOGS');
    expect(source.length).toBeLessThanOrEqual(60);
    expect(source).toMatch(/^bigcommerce-webhooks-production-[0-9a-f]+-trace$/);
    expect(names.sourceName('INFO_LOGS')).toBe(`${settings.managedBy}-${STORE_HASH}-info`);
  });
});
