import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  type ScanCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { classifyAwsError, isAwsAuthorizationError, isAwsError } from '../aws/errors.js';
import { messageOf, PermanentError } from '../errors.js';
import { ProvisionError } from './errors.js';
import type { ProvisionResult } from './provision.js';
import { STORES_ATTRIBUTES } from './stores-table.js';
import type { LogLevel, Transport } from './types.js';
import { DESIRED_AT, UNINSTALLED_AT } from './uninstall-mark.js';

/** What a POST asked for: what the scheduled reconcile brings the store back to. */
export interface DesiredState {
  scopes: string[];
  eventSourceName: string;
  prune: boolean;
  /** Absent in items written before there were two transports: those stores are on EventBridge. */
  transport?: Transport;
  /** The partner bus's EventBridge logging; absent in items written before it existed (left as it is). */
  logging?: LogLevel;
}

/** How the last changing run of a store ended: converged, still drifted after applying, or failed at a step. */
export type LastRun =
  | { startedAt: number; endedAt: number; outcome: 'converged' }
  | { startedAt: number; endedAt: number; outcome: 'drifted'; message: string }
  | {
      startedAt: number;
      endedAt: number;
      outcome: 'failed';
      step?: string;
      type: string;
      message: string;
      /**
       * Set when retrying the same desired state cannot succeed (the token is gone, BigCommerce deleted the
       * source, another store owns the bus): the scheduled reconcile skips the store until a POST records
       * a new run.
       */
      permanent?: true;
      /**
       * `teardown`: the run was the AWS-side teardown after an uninstall mark. Only such a run's permanent
       * failure stops later teardowns: one from a provisioning run (the token the uninstall revoked) does not,
       * whenever it ran, since the mark's time is the event's, not when the mark was written.
       */
      kind?: 'teardown';
    };

/** The outcome of a run, without its times (the registry stamps `endedAt`). */
export type RunOutcome = LastRun extends infer Run
  ? Run extends LastRun
    ? Omit<Run, 'startedAt' | 'endedAt'>
    : never
  : never;

/** One registered store, as `GET /provision` lists it. */
export interface RegisteredStore {
  storeHash: string;
  desired: DesiredState;
  /** When a POST first registered the store (epoch ms). */
  registeredAt: number;
  lastRun?: LastRun;
  /**
   * When a `store/app/uninstalled` event marked the store (epoch ms): the scheduled reconcile tears down
   * its AWS side and unregisters it; a POST after that clears the mark.
   */
  uninstalledAt?: number;
}

/** A page of registered stores; `next` (absent on the last page) is the key to start the next page after. */
export interface RegistryPage {
  stores: RegisteredStore[];
  next?: string;
}

/** The store registry: the desired state and last result of each store provision has brought up. */
export interface StoreRegistry {
  /**
   * Records what a run asked for and how it ended. A run that started before the recorded one (it outlived
   * its lease and a newer run took it) records nothing: the newer run's record stands.
   */
  record(storeHash: string, desired: DesiredState, startedAt: number, outcome: RunOutcome): Promise<void>;
  /** Removes the store's registry fields (not its lease), unless a run that started later recorded since. */
  unregister(storeHash: string, startedAt: number): Promise<void>;
  /** Up to `limit` registered stores after the store `after`; a page may hold fewer while `next` is set. */
  list(limit: number, after?: string): Promise<RegistryPage>;
  /** One registered store as the table holds it now (a consistent read), or undefined. */
  get(storeHash: string): Promise<RegisteredStore | undefined>;
  /**
   * Records how a scheduled run ended, keeping the desired state a POST wrote; nothing when the store is no
   * longer registered or a run that started later recorded since.
   */
  recordRun(storeHash: string, startedAt: number, outcome: RunOutcome): Promise<void>;
  /**
   * Counts a scheduled run of the store that the invocation's deadline cut short, and answers how many in a
   * row (any recorded run resets it); 0 when the store is no longer registered.
   */
  recordInterruption(storeHash: string): Promise<number>;
  /** Where the last scheduled reconcile stopped short (the last store it finished), if it did. */
  readCursor(): Promise<string | undefined>;
  /** Saves where the next scheduled reconcile resumes after; undefined: from the start. */
  writeCursor(after: string | undefined): Promise<void>;
}

/** The registry's attributes on a stores-table item, beside the lease's (stores-table.ts). */
export const REGISTRY_ATTRIBUTES = {
  desired: 'desired',
  registeredAt: 'registeredAt',
  lastRun: 'lastRun',
  /** When a POST last wrote `desired` (epoch ms): an uninstall event older than that does not mark. */
  desiredAt: DESIRED_AT,
  uninstalledAt: UNINSTALLED_AT,
  /** Scheduled runs of the store the deadline cut short in a row, since the last recorded run. */
  interruptions: 'interruptions',
} as const;

/**
 * The item that holds the scheduled reconcile's cursor: not a store hash (those are lower-case letters and
 * digits), and without `desired`, so the registry never lists it.
 */
export const CURSOR_KEY = '#reconcile-cursor';

const R = REGISTRY_ATTRIBUTES;

/** An error message is kept to this many characters: an item is at most 400 KB, and a line is enough. */
export const MAX_MESSAGE_LENGTH = 1_000;

/** The cursor item's attribute: the store hash the next scheduled run starts after. */
const CURSOR_ATTRIBUTE = 'after';

/** Scans per `list` call: a table of lease-only items answers a short page with `next` rather than run long. */
const MAX_SCANS_PER_PAGE = 5;

type Item = Record<string, AttributeValue>;

const LOG_LEVELS: readonly string[] = ['off', 'error', 'info', 'trace'] satisfies LogLevel[];
const isLogLevel = (value: string | undefined): value is LogLevel =>
  value !== undefined && LOG_LEVELS.includes(value);

const desiredToItem = (desired: DesiredState): AttributeValue => ({
  M: {
    scopes: { L: desired.scopes.map((scope) => ({ S: scope })) },
    eventSourceName: { S: desired.eventSourceName },
    prune: { BOOL: desired.prune },
    ...(desired.transport && { transport: { S: desired.transport } }),
    ...(desired.logging && { logging: { S: desired.logging } }),
  },
});

const lastRunToItem = (run: LastRun): AttributeValue => {
  const fields: Item = {
    startedAt: { N: String(run.startedAt) },
    endedAt: { N: String(run.endedAt) },
    outcome: { S: run.outcome },
  };
  if (run.outcome !== 'converged') fields.message = { S: run.message.slice(0, MAX_MESSAGE_LENGTH) };
  if (run.outcome === 'failed') {
    fields.type = { S: run.type };
    if (run.step) fields.step = { S: run.step };
    if (run.permanent) fields.permanent = { BOOL: true };
    if (run.kind) fields.kind = { S: run.kind };
  }
  return { M: fields };
};

const lastRunOf = (value: AttributeValue | undefined): LastRun | undefined => {
  const m = value?.M;
  if (!m) return undefined;
  const times = { startedAt: Number(m.startedAt?.N ?? 0), endedAt: Number(m.endedAt?.N ?? 0) };
  const message = m.message?.S ?? '';
  switch (m.outcome?.S) {
    case 'converged':
      return { ...times, outcome: 'converged' };
    case 'drifted':
      return { ...times, outcome: 'drifted', message };
    default:
      return {
        ...times,
        outcome: 'failed',
        ...(m.step?.S && { step: m.step.S }),
        type: m.type?.S ?? 'Error',
        message,
        ...(m.permanent?.BOOL && { permanent: true as const }),
        ...(m.kind?.S === 'teardown' && { kind: 'teardown' as const }),
      };
  }
};

const storeOf = (item: Item): RegisteredStore => {
  const desired = item[R.desired]?.M ?? {};
  const lastRun = lastRunOf(item[R.lastRun]);
  return {
    storeHash: item[STORES_ATTRIBUTES.key]?.S ?? '',
    desired: {
      scopes: (desired.scopes?.L ?? []).flatMap((scope) => (scope.S ? [scope.S] : [])),
      eventSourceName: desired.eventSourceName?.S ?? '',
      prune: desired.prune?.BOOL ?? false,
      // An item written before there were two transports has none: it is an EventBridge store.
      ...(desired.transport?.S && {
        transport: desired.transport.S === 'https' ? ('https' as const) : ('eventbridge' as const),
      }),
      ...(isLogLevel(desired.logging?.S) && { logging: desired.logging.S }),
    },
    registeredAt: Number(item[R.registeredAt]?.N ?? 0),
    ...(lastRun && { lastRun }),
    ...(item[R.uninstalledAt]?.N && { uninstalledAt: Number(item[R.uninstalledAt]?.N) }),
  };
};

/** Only a run that started no earlier than the recorded one may write (document paths, not a read first). */
const NOT_OLDER = 'attribute_not_exists(#lastRun) OR #lastRun.#startedAt <= :startedAt';

/** The names both writes use: the registry's fields, and the last run's start that {@link NOT_OLDER} compares. */
const REGISTRY_NAMES = {
  '#desired': R.desired,
  '#lastRun': R.lastRun,
  '#registeredAt': R.registeredAt,
  '#uninstalledAt': R.uninstalledAt,
  '#desiredAt': R.desiredAt,
  '#interruptions': R.interruptions,
  '#startedAt': 'startedAt',
};

/**
 * {@link StoreRegistry} on the stores table: the registry lives on each store's lease item, so recording
 * and unregistering are UpdateItems of their own attributes, and the lease's attributes are never touched.
 * IAM: dynamodb:UpdateItem, dynamodb:Scan on the stores table.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Scan.html#Scan.FilterExpression
 */
export const dynamoStoreRegistry = (
  client: DynamoDBClient,
  tableName: string,
  now: () => number = Date.now,
): StoreRegistry => {
  const keyOf = (storeHash: string) => ({ [STORES_ATTRIBUTES.key]: { S: storeHash } });
  /** A refused condition means a newer run wrote: its record stands and this one is dropped. */
  const update = async (input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName'>) => {
    try {
      await client.send(new UpdateItemCommand({ TableName: tableName, ...input }));
    } catch (error) {
      if (isAwsError(error, 'ConditionalCheckFailedException')) return;
      throw classifyAwsError(error, 'UpdateItem');
    }
  };
  return {
    async record(storeHash, desired, startedAt, outcome) {
      const lastRun = { ...outcome, startedAt, endedAt: now() } as LastRun;
      await update({
        Key: keyOf(storeHash),
        UpdateExpression:
          // A POST after an uninstall (the app installed again) clears the uninstall's mark.
          'SET #desired = :desired, #desiredAt = :now, #lastRun = :lastRun, #registeredAt = if_not_exists(#registeredAt, :now) REMOVE #uninstalledAt, #interruptions',
        ConditionExpression: NOT_OLDER,
        ExpressionAttributeNames: REGISTRY_NAMES,
        ExpressionAttributeValues: {
          ':desired': desiredToItem(desired),
          ':lastRun': lastRunToItem(lastRun),
          ':now': { N: String(lastRun.endedAt) },
          ':startedAt': { N: String(startedAt) },
        },
      });
    },
    async unregister(storeHash, startedAt) {
      await update({
        Key: keyOf(storeHash),
        UpdateExpression:
          'REMOVE #desired, #desiredAt, #lastRun, #registeredAt, #uninstalledAt, #interruptions',
        ConditionExpression: NOT_OLDER,
        ExpressionAttributeNames: REGISTRY_NAMES,
        ExpressionAttributeValues: { ':startedAt': { N: String(startedAt) } },
      });
    },
    async recordRun(storeHash, startedAt, outcome) {
      const lastRun = { ...outcome, startedAt, endedAt: now() } as LastRun;
      await update({
        Key: keyOf(storeHash),
        UpdateExpression: 'SET #lastRun = :lastRun REMOVE #interruptions',
        ConditionExpression: `attribute_exists(#desired) AND (${NOT_OLDER})`,
        ExpressionAttributeNames: {
          '#desired': R.desired,
          '#lastRun': R.lastRun,
          '#startedAt': 'startedAt',
          '#interruptions': R.interruptions,
        },
        ExpressionAttributeValues: {
          ':lastRun': lastRunToItem(lastRun),
          ':startedAt': { N: String(startedAt) },
        },
      });
    },
    async recordInterruption(storeHash) {
      try {
        const updated = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(storeHash),
            UpdateExpression: 'ADD #interruptions :one',
            ConditionExpression: 'attribute_exists(#desired)',
            ExpressionAttributeNames: { '#desired': R.desired, '#interruptions': R.interruptions },
            ExpressionAttributeValues: { ':one': { N: '1' } },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return Number(updated.Attributes?.[R.interruptions]?.N ?? 0);
      } catch (error) {
        if (isAwsError(error, 'ConditionalCheckFailedException')) return 0;
        throw classifyAwsError(error, 'UpdateItem');
      }
    },
    async get(storeHash) {
      let found: Item | undefined;
      try {
        found = (
          await client.send(
            new GetItemCommand({ TableName: tableName, Key: keyOf(storeHash), ConsistentRead: true }),
          )
        ).Item;
      } catch (error) {
        throw classifyAwsError(error, 'GetItem');
      }
      return found?.[R.desired] ? storeOf(found) : undefined;
    },
    async readCursor() {
      try {
        const found = await client.send(
          new GetItemCommand({ TableName: tableName, Key: keyOf(CURSOR_KEY), ConsistentRead: true }),
        );
        return found.Item?.[CURSOR_ATTRIBUTE]?.S;
      } catch (error) {
        throw classifyAwsError(error, 'GetItem');
      }
    },
    async writeCursor(after) {
      await update({
        Key: keyOf(CURSOR_KEY),
        ...(after
          ? {
              UpdateExpression: 'SET #after = :after',
              ExpressionAttributeValues: { ':after': { S: after } },
            }
          : { UpdateExpression: 'REMOVE #after' }),
        ExpressionAttributeNames: { '#after': CURSOR_ATTRIBUTE },
      });
    },
    async list(limit, after) {
      const stores: RegisteredStore[] = [];
      let start: Item | undefined = after ? keyOf(after) : undefined;
      for (let scans = 0; scans < MAX_SCANS_PER_PAGE; scans += 1) {
        let page: ScanCommandOutput;
        try {
          page = await client.send(
            new ScanCommand({
              TableName: tableName,
              // Limit caps the items read before the filter: at most what this page still needs.
              Limit: limit - stores.length,
              // Items holding only a lease are not registered stores.
              FilterExpression: 'attribute_exists(#desired)',
              ExpressionAttributeNames: { '#desired': R.desired },
              ConsistentRead: true,
              ...(start && { ExclusiveStartKey: start }),
            }),
          );
        } catch (error) {
          throw classifyAwsError(error, 'Scan');
        }
        stores.push(...(page.Items ?? []).map(storeOf));
        start = page.LastEvaluatedKey;
        if (!start || stores.length >= limit) break;
      }
      const next = start?.[STORES_ATTRIBUTES.key]?.S;
      return { stores, ...(next && { next }) };
    },
  };
};

const driftMessage = (drift: ProvisionResult['drift']) =>
  typeof drift === 'string'
    ? drift
    : `still to do after the run: ${(drift ?? [])
        .map(
          (entry) =>
            `${entry.resource}${entry.resource === 'webhook' ? ` ${entry.scope}` : ''} ${entry.action}`,
        )
        .join(', ')}`;

/** How a run that returned ended, for {@link StoreRegistry.record}. */
export const outcomeOfResult = (result: Pick<ProvisionResult, 'converged' | 'drift'>): RunOutcome =>
  result.converged ? { outcome: 'converged' } : { outcome: 'drifted', message: driftMessage(result.drift) };

/**
 * How a run that threw ended: the step it stopped at, the error's type and message (never a token), and
 * whether it is permanent (a {@link PermanentError}: retrying the same state cannot fix it). AWS refusing
 * our own credentials (a deploy with a missing grant) is permanent for the call but not the store's: it is
 * not recorded as permanent, so once the deployment is fixed the next scheduled run retries every store
 * instead of skipping them all until each is POSTed again (StoresFailed alarms meanwhile).
 */
export const outcomeOfError = (error: unknown): RunOutcome => {
  const cause = error instanceof ProvisionError ? error.cause : error;
  return {
    outcome: 'failed',
    ...(error instanceof ProvisionError && { step: error.step }),
    type: cause instanceof Error ? cause.name : 'Error',
    message: messageOf(cause),
    ...(cause instanceof PermanentError && !isAwsAuthorizationError(cause) && { permanent: true as const }),
  };
};
