import type { EventBridgeClient, Tag } from '@aws-sdk/client-eventbridge';
import { describeEventBus } from '../aws/event-bus.js';
import { describeRule } from '../aws/rules.js';
import { listTags } from '../aws/tags.js';
import { sourceStoreReader } from '../bigcommerce/envelope.js';
import { ConflictError, TransientError } from '../errors.js';
import type { FoundSource } from './source.js';

/** The tag naming the store a bus or rule was provisioned for. */
export const STORE_TAG = 'bigcommerce-webhooks:store';
/** The tag naming the deployment (service and stage: the event source name prefix) that manages it. */
export const MANAGED_BY_TAG = 'bigcommerce-webhooks:managed-by';

/** Whom a run works for: one store, through one deployment of this service. */
export interface Owner {
  storeHash: string;
  /** The deployment's event source name prefix, `<service>-<stage>`. */
  managedBy: string;
}

/** The ownership tags every bus and rule provision creates carries. */
export const ownerTags = (owner: Owner): Tag[] => [
  { Key: STORE_TAG, Value: owner.storeHash },
  { Key: MANAGED_BY_TAG, Value: owner.managedBy },
];

/**
 * The store whose default event source name `name` is (`<prefix>-<storeHash>`, the last segment of a full
 * partner name, case-insensitive), or `undefined` for a name that follows no store's default. The consumer
 * reads an event's source the same way.
 */
export const storeOfSourceName = (prefix: string, name: string): string | undefined =>
  sourceStoreReader(prefix)(name);

/** A resource of the chain belongs to another store (or another deployment): nothing was changed. */
export class NotOwnedError extends ConflictError {
  override readonly name = 'NotOwnedError';
  constructor(
    message: string,
    /** The store (and deployment, when it is not this one) the resource belongs to. */
    readonly owner: string,
  ) {
    super(message);
  }
}

/**
 * What a run may do with an existing bus or rule:
 * - `absent`: nothing there (provision creates it with the tags);
 * - `ours`: tagged for this store by this deployment;
 * - `adopt`: untagged (made before ownership tags, or by hand), but shown to be this store's by the source's
 *   name or by the store's own webhooks pointing at the source: provision tags it;
 * - `unproven`: untagged and nothing shows whose it is: provision refuses it, teardown leaves it.
 */
export type Claim = 'absent' | 'ours' | 'adopt' | 'unproven';

export interface Ownership {
  bus: Claim;
  rule: Claim;
  busArn?: string;
  ruleArn?: string;
}

export interface OwnershipInput {
  owner: Owner;
  /** The name the request asked for (last segment). */
  eventSourceName: string;
  /** The partner source found by that name, if any. */
  source: FoundSource | undefined;
  ruleName: string;
}

export interface OwnershipDeps {
  eventBridge: EventBridgeClient;
  /** True when the store's own BigCommerce webhooks point at the source; asked only for untagged resources. */
  storeHasWebhooksTo: (sourceArn: string) => Promise<boolean>;
}

const describeOwner = (tags: Record<string, string>) => {
  const store = tags[STORE_TAG];
  const managedBy = tags[MANAGED_BY_TAG];
  const label = `store ${store ?? '(untagged)'}${managedBy ? ` (managed by ${managedBy})` : ''}`;
  return { store, managedBy, label };
};

/**
 * Refuses an event source name that is another store's default name (`<prefix>-<other store>`): using it
 * would create or take over that store's source. Returns the store the name is the default of, if any.
 */
export const assertOwnName = (owner: Owner, name: string): string | undefined => {
  const named = storeOfSourceName(owner.managedBy, name);
  if (named && named !== owner.storeHash) {
    throw new NotOwnedError(
      `event source ${name} is store ${named}'s: its name is that store's default (${owner.managedBy}-${named}); nothing was changed`,
      named,
    );
  }
  return named;
};

/**
 * Proves that the chain a request names is the requesting store's before anything changes it, in the way
 * TriggerMesh's reconcilers use an owner tag: a bus or rule tagged for another store or another deployment,
 * or a source whose name is another store's default name, is a {@link NotOwnedError} (409) naming its
 * owner. Untagged resources are classified {@link Claim} `adopt` or `unproven`.
 * IAM: events:DescribeEventBus, events:DescribeRule, events:ListTagsForResource.
 */
export const checkOwnership = async (input: OwnershipInput, deps: OwnershipDeps): Promise<Ownership> => {
  const { owner, source } = input;
  const named = assertOwnName(owner, source?.name ?? input.eventSourceName);
  if (!source) return { bus: 'absent', rule: 'absent' };

  const busArn = await describeEventBus(deps.eventBridge, source.name);
  const rule = busArn
    ? await describeRule(deps.eventBridge, { name: input.ruleName, eventBusName: source.name })
    : undefined;
  let proven: boolean | undefined = named === owner.storeHash ? true : undefined;
  const evidence = async () => {
    proven ??= await deps.storeHasWebhooksTo(source.arn);
    return proven;
  };
  const claimOf = async (kind: 'bus' | 'rule', arn: string | undefined): Promise<Claim> => {
    if (!arn) return 'absent';
    const tags = await listTags(deps.eventBridge, arn);
    // It was just described: tags that cannot be read are no proof of anything, so read again later.
    if (!tags) throw new TransientError(`the tags of ${arn} could not be read though it exists; run again`);
    const found = describeOwner(tags);
    if (found.store === undefined && found.managedBy === undefined)
      return (await evidence()) ? 'adopt' : 'unproven';
    if (found.store !== owner.storeHash || found.managedBy !== owner.managedBy) {
      throw new NotOwnedError(
        `the ${kind} of event source ${source.name} belongs to ${found.label}, not to store ${owner.storeHash} (managed by ${owner.managedBy}); nothing was changed`,
        found.managedBy && found.managedBy !== owner.managedBy
          ? `${found.store ?? '(untagged)'} (${found.managedBy})`
          : (found.store ?? '(untagged)'),
      );
    }
    return 'ours';
  };
  const busClaim = await claimOf('bus', busArn);
  // A rule on a bus proven to be this store's is this store's too.
  if (busClaim === 'ours' || busClaim === 'adopt') proven = true;
  const ruleClaim = await claimOf('rule', rule?.arn);
  return {
    bus: busClaim,
    rule: ruleClaim,
    ...(busArn && { busArn }),
    ...(rule?.arn && { ruleArn: rule.arn }),
  };
};

/** The conflict provision reports for an untagged bus or rule nothing shows to be this store's. */
export const unprovenError = (owner: Owner, sourceName: string) =>
  new ConflictError(
    `the bus or rule of event source ${sourceName} carries no ownership tags and no webhook of store ${owner.storeHash} points at the source, so it may be another store's; if it is this store's, tag the bus ${STORE_TAG}=${owner.storeHash} and ${MANAGED_BY_TAG}=${owner.managedBy}, otherwise pass another eventSourceName`,
  );
