import { createHash } from 'node:crypto';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EventBridgeClient, LogConfig } from '@aws-sdk/client-eventbridge';
import { partitionOf } from '../aws/partition.js';
import {
  createDelivery,
  type DeliveryLink,
  deleteDelivery,
  deleteDeliverySource,
  deliveriesFrom,
  describeBusLogConfig,
  getDeliveryDestination,
  getDeliverySource,
  linksFrom,
  putDeliveryDestination,
  putDeliverySource,
  updateBusLogConfig,
} from '../aws/vended-logs.js';
import { PermanentError, TransientError } from '../errors.js';
import type { Action, LoggingEntry, LogLevel, ProvisionSettings } from './types.js';

/*
 * EventBridge event bus logging, as verified in AWS's documentation (2026-12):
 * - A bus has a `LogConfig` { Level: OFF | ERROR | INFO | TRACE, IncludeDetail: NONE | FULL }, set by
 *   CreateEventBus / UpdateEventBus and returned by DescribeEventBus; the level "applies to all log
 *   destinations for the event bus".
 *   https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_LogConfig.html
 *   https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_UpdateEventBus.html
 * - Partner buses log: EventBridge logs "events from partner event sources ... whether or not the event is
 *   ingested successfully or matches any rule", then each rule match and target invocation.
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-logs.html
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-logs-execution-steps.html
 * - The records reach a destination through CloudWatch Logs vended logs (V2): a delivery source
 *   (PutDeliverySource, resourceArn = the bus ARN, one log type each: ERROR_LOGS, INFO_LOGS, TRACE_LOGS),
 *   a delivery destination (PutDeliveryDestination, a log group ARN) and a delivery pairing them
 *   (CreateDelivery). The log types are those AWS's CDK generates for AWS::Events::EventBus
 *   (CfnEventBusErrorLogs / InfoLogs / TraceLogs).
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-vended-logs-permissions-V2.html
 *   https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.mixins_preview.aws_events.mixins.html
 * - IAM: the logs:*Delivery* actions on delivery, delivery-source and delivery-destination ARNs,
 *   logs:DescribeDeliveries on "*", and the service's own `<service>:AllowVendedLogDeliveryForResource`
 *   on the resource ("some services require explicit authorization"): events:AllowVendedLogDeliveryForResource
 *   on the bus, granted as the CloudWatch page describes; EventBridge's own page names no such action, so
 *   it is granted on the partner buses only.
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-CloudWatchLogs.html
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-service-specific.html
 *   The log group's resource policy for delivery.logs.amazonaws.com is declared in serverless.yml, so the
 *   functions need no logs:PutResourcePolicy.
 *
 * Which log types each level needs is our reading (a level's records of each severity go to that
 * severity's delivery source), a guess kept here alone.
 */
const LOG_TYPES = ['ERROR_LOGS', 'INFO_LOGS', 'TRACE_LOGS'] as const;
type LogType = (typeof LOG_TYPES)[number];
const TYPES_OF: Record<LogLevel, readonly LogType[]> = {
  off: [],
  error: ['ERROR_LOGS'],
  info: ['ERROR_LOGS', 'INFO_LOGS'],
  trace: LOG_TYPES,
};

/** Event payloads carry customers' data: the records say what happened, not what the event held. */
const INCLUDE_DETAIL = 'NONE';

/** Names of delivery sources and destinations: `[\w-]{1,60}`. */
const MAX_NAME = 60;
const NAME = /^[\w-]+$/;

/** Where a deployment's bus logs go: one log group and one delivery destination per deployment. */
export interface LoggingNames {
  logGroupArn: string;
  destinationName: string;
  /** A store's delivery source of one log type. */
  sourceName: (logType: string) => string;
}

const shortHash = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * The names of a store's logging: log group `/aws/vendedlogs/events/<managedBy>` (declared in
 * serverless.yml with `managedBy` = `<service>-<stage>`), destination `<managedBy>-bus-logs`, delivery
 * sources `<managedBy>-<storeHash>-<error|info|trace>` (a long store hash is hashed to fit 60 characters).
 */
export const loggingNamesOf = (
  storeHash: string,
  settings: Pick<ProvisionSettings, 'managedBy' | 'region' | 'awsAccount'>,
): LoggingNames => {
  const { managedBy } = settings;
  const room = MAX_NAME - managedBy.length - '-'.length - '-trace'.length;
  if (!NAME.test(managedBy) || room < 8) {
    throw new PermanentError(
      `bus logging: the deployment prefix ${managedBy} must be letters, digits, _ and - and at most ${MAX_NAME - 15} characters (CloudWatch Logs delivery names)`,
    );
  }
  const store = storeHash.length <= room ? storeHash : shortHash(storeHash, room);
  return {
    logGroupArn: `arn:${partitionOf(settings.region)}:logs:${settings.region}:${settings.awsAccount}:log-group:/aws/vendedlogs/events/${managedBy}`,
    destinationName: `${managedBy}-bus-logs`,
    sourceName: (logType) => `${managedBy}-${store}-${logType.replace(/_LOGS$/, '').toLowerCase()}`,
  };
};

const levelOf = (config: LogConfig | undefined): LogLevel =>
  (config?.Level?.toLowerCase() as LogLevel | undefined) ?? 'off';

const planned = (action: Action, dryRun: boolean): Action =>
  dryRun ? (`would-${action.replace(/d$/, '')}` as Action) : action;

const wantedConfig = (level: LogLevel): LogConfig =>
  level === 'off'
    ? { Level: 'OFF', IncludeDetail: INCLUDE_DETAIL }
    : { Level: level.toUpperCase() as LogConfig['Level'], IncludeDetail: INCLUDE_DETAIL };

interface Found {
  sources: Map<LogType, { resourceArns: string[]; logType?: string | undefined }>;
  deliveries: DeliveryLink[];
  /** True when `deliveries` came from a listing shared by many runs, which may predate this store's run. */
  shared: boolean;
}

/**
 * The store's delivery sources, and their deliveries (listed only when a source exists: none can without),
 * from `listing` when there is one (a scheduled reconcile's, shared by its runs), else listed now.
 */
const readDeliveries = async (
  logs: CloudWatchLogsClient,
  names: LoggingNames,
  listing?: () => Promise<DeliveryLink[]>,
): Promise<Found> => {
  const sources = new Map<LogType, { resourceArns: string[]; logType?: string | undefined }>();
  const read = await Promise.all(LOG_TYPES.map((type) => getDeliverySource(logs, names.sourceName(type))));
  LOG_TYPES.forEach((type, index) => {
    const source = read[index];
    if (source) sources.set(type, source);
  });
  const sourceNames = [...sources.keys()].map(names.sourceName);
  if (sources.size === 0) return { sources, deliveries: [], shared: false };
  if (listing) return { sources, deliveries: linksFrom(await listing(), sourceNames), shared: true };
  return { sources, deliveries: await deliveriesFrom(logs, sourceNames), shared: false };
};

/** Removes the deliveries and delivery sources of `types`; deliveries first (a source with one cannot go). */
const removeTypes = async (
  logs: CloudWatchLogsClient,
  names: LoggingNames,
  found: Found,
  types: readonly LogType[],
  dryRun: boolean,
): Promise<LoggingEntry[]> => {
  const entries: LoggingEntry[] = [];
  for (const type of types) {
    const name = names.sourceName(type);
    const links = found.deliveries.filter((link) => link.deliverySourceName === name);
    if (!found.sources.has(type) && links.length === 0) continue;
    if (!dryRun) {
      for (const link of links) await deleteDelivery(logs, link.id);
      await deleteDeliverySource(logs, name);
    }
    entries.push({
      resource: 'logging',
      action: planned('deleted', dryRun),
      part: 'delivery',
      name,
      logType: type,
    });
  }
  return entries;
};

const clientOf = (logs: CloudWatchLogsClient | undefined): CloudWatchLogsClient => {
  if (!logs) throw new PermanentError('bus logging needs a CloudWatch Logs client (ProvisionDeps.logs)');
  return logs;
};

/**
 * The logging step (EventBridge transport, after the bus): brings the bus's LogConfig and its log deliveries
 * to `level`, reading first and changing only what differs. A level turns on the LogConfig first, then the
 * deployment's destination, then one delivery source and delivery per log type; `off` removes the deliveries
 * and sources first and the LogConfig last. So a bus whose LogConfig is off has nothing left of ours, and a
 * store at `off` costs one read (DescribeEventBus); a run that stops half way leaves a LogConfig that the
 * next run finishes from, either way.
 * IAM: events:DescribeEventBus, events:UpdateEventBus, events:AllowVendedLogDeliveryForResource (the bus);
 * logs:GetDeliverySource, logs:PutDeliverySource, logs:DeleteDeliverySource (delivery-source),
 * logs:GetDeliveryDestination, logs:PutDeliveryDestination (delivery-destination), logs:CreateDelivery,
 * logs:DeleteDelivery (delivery, delivery-source, delivery-destination), logs:DescribeDeliveries ("*").
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-logs.html
 */
export const reconcileBusLogging = async (
  input: {
    busName: string | undefined;
    level: LogLevel;
    dryRun: boolean;
    /** The names (see {@link loggingNamesOf}); asked for only when there is logging to look at. */
    names: () => LoggingNames;
  },
  clients: {
    eventBridge: EventBridgeClient;
    logs: CloudWatchLogsClient | undefined;
    /** A listing of the account's deliveries shared by many runs (see ProvisionDeps.listDeliveries). */
    listDeliveries?: () => Promise<DeliveryLink[]>;
  },
): Promise<LoggingEntry[]> => {
  const { busName, level, dryRun } = input;
  const types = TYPES_OF[level];
  const bus = busName ? await describeBusLogConfig(clients.eventBridge, busName) : undefined;
  const current = levelOf(bus?.logConfig);
  const configEntry = (action: Action): LoggingEntry => ({
    resource: 'logging',
    action,
    part: 'log-config',
    name: busName ?? '',
    level,
  });
  if ((!bus?.arn || !busName) && level === 'off') return [];
  if (level === 'off' && current === 'off') return [];
  const names = input.names();
  if (!bus?.arn || !busName) {
    if (!dryRun) throw new TransientError(`bus logging: bus ${busName ?? '(none yet)'} is not visible yet`);
    // The bus is still to be created: everything is.
    return [
      configEntry('would-create'),
      {
        resource: 'logging',
        action: 'would-create',
        part: 'destination',
        name: names.destinationName,
        logGroupArn: names.logGroupArn,
      },
      ...types.map(
        (type): LoggingEntry => ({
          resource: 'logging',
          action: 'would-create',
          part: 'delivery',
          name: names.sourceName(type),
          logType: type,
        }),
      ),
    ];
  }
  const busArn = bus.arn;

  const logs = clientOf(clients.logs);
  const wanted = wantedConfig(level);
  const configDrifted =
    current !== level || (level !== 'off' && (bus.logConfig?.IncludeDetail ?? 'NONE') !== INCLUDE_DETAIL);
  const entries: LoggingEntry[] = [];
  if (level === 'off') {
    const found = await readDeliveries(logs, names);
    entries.push(...(await removeTypes(logs, names, found, LOG_TYPES, dryRun)));
    if (!dryRun) await updateBusLogConfig(clients.eventBridge, busName, wanted);
    entries.push(configEntry(planned('deleted', dryRun)));
    return entries;
  }

  // On first: a run that stops after this leaves a LogConfig that says there is work left.
  if (configDrifted && !dryRun) await updateBusLogConfig(clients.eventBridge, busName, wanted);
  entries.push(
    configEntry(configDrifted ? planned(current === 'off' ? 'created' : 'updated', dryRun) : 'unchanged'),
  );

  const [destination, read] = await Promise.all([
    getDeliveryDestination(logs, names.destinationName),
    readDeliveries(logs, names, clients.listDeliveries),
  ]);
  let found = read;
  let destinationArn = destination?.arn;
  const destinationAction: Action = !destination
    ? 'created'
    : destination.destinationResourceArn !== names.logGroupArn
      ? 'updated'
      : 'unchanged';
  if (destinationAction !== 'unchanged' && !dryRun) {
    destinationArn = await putDeliveryDestination(logs, names.destinationName, names.logGroupArn);
  }
  entries.push({
    resource: 'logging',
    action: destinationAction === 'unchanged' ? 'unchanged' : planned(destinationAction, dryRun),
    part: 'destination',
    name: names.destinationName,
    logGroupArn: names.logGroupArn,
  });

  // A shared listing may predate this store's run (a POST since may have created or removed a delivery):
  // it is trusted only when it shows nothing to change; otherwise the store's deliveries are listed again
  // live before anything changes, so a delivery made since is not created twice (CreateDelivery refuses a
  // second one of a pair) and one removed since is put back.
  let plans = types.map((type) => planDelivery(names, found, type, busArn, destinationArn));
  const unwanted = LOG_TYPES.filter((type) => !types.includes(type));
  const unwantedLeft = (of: Found) =>
    unwanted.some(
      (type) =>
        of.sources.has(type) ||
        of.deliveries.some((link) => link.deliverySourceName === names.sourceName(type)),
    );
  if (found.shared && (plans.some((plan) => plan.action !== 'unchanged') || unwantedLeft(found))) {
    found = {
      ...found,
      deliveries: await deliveriesFrom(logs, [...found.sources.keys()].map(names.sourceName)),
      shared: false,
    };
    plans = types.map((type) => planDelivery(names, found, type, busArn, destinationArn));
  }
  for (const plan of plans) {
    if (plan.action !== 'unchanged' && !dryRun) {
      for (const stray of plan.strays) await deleteDelivery(logs, stray.id);
      if (plan.putSource)
        await putDeliverySource(logs, { name: plan.name, resourceArn: busArn, logType: plan.type });
      if (!plan.linked) await createDelivery(logs, plan.name, destinationArn ?? '');
    }
    entries.push({
      resource: 'logging',
      action: plan.action === 'unchanged' ? 'unchanged' : planned(plan.action, dryRun),
      part: 'delivery',
      name: plan.name,
      logType: plan.type,
    });
  }
  entries.push(...(await removeTypes(logs, names, found, unwanted, dryRun)));
  return entries;
};

/** What one log type's delivery source and delivery need: `putSource` (missing or drifted), strays, a link. */
const planDelivery = (
  names: LoggingNames,
  found: Found,
  type: LogType,
  busArn: string,
  destinationArn: string | undefined,
) => {
  const name = names.sourceName(type);
  const source = found.sources.get(type);
  const links = found.deliveries.filter((link) => link.deliverySourceName === name);
  const sourceDrifted =
    source !== undefined &&
    (source.logType !== type || source.resourceArns.length !== 1 || source.resourceArns[0] !== busArn);
  const linked =
    destinationArn !== undefined && links.some((link) => link.deliveryDestinationArn === destinationArn);
  const strays = links.filter((link) => link.deliveryDestinationArn !== destinationArn);
  const action: Action = !source
    ? 'created'
    : sourceDrifted || !linked || strays.length > 0
      ? 'updated'
      : 'unchanged';
  return { type, name, action, linked, strays, putSource: !source || sourceDrifted };
};

/**
 * Teardown of the logging step: the store's deliveries and delivery sources (the bus's LogConfig goes
 * with the bus; the deployment's destination stays for the other stores). A bus whose LogConfig is off has
 * none of them (the step removes them before it turns the LogConfig off), so that one read is all a
 * teardown of a store without logging costs.
 * IAM: events:DescribeEventBus; logs:GetDeliverySource, logs:DescribeDeliveries, logs:DeleteDelivery,
 * logs:DeleteDeliverySource.
 */
export const removeBusLogging = async (
  input: { busName: string | undefined; dryRun: boolean; names: () => LoggingNames },
  clients: { eventBridge: EventBridgeClient; logs: CloudWatchLogsClient | undefined },
): Promise<LoggingEntry[]> => {
  const bus = input.busName ? await describeBusLogConfig(clients.eventBridge, input.busName) : undefined;
  if (levelOf(bus?.logConfig) === 'off') return [];
  const logs = clientOf(clients.logs);
  const names = input.names();
  const found = await readDeliveries(logs, names);
  return removeTypes(logs, names, found, LOG_TYPES, input.dryRun);
};
