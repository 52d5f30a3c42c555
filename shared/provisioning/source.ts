import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { listPartnerSources, type PartnerSource } from '../aws/event-sources.js';
import { PARTNER_SOURCE_PREFIXES } from '../bigcommerce/envelope.js';
import type { StoreApi } from '../bigcommerce/graphql/client.js';
import { createEventSource, eventSourceRegionOf } from '../bigcommerce/graphql/event-source.js';
import { ConflictError, TransientError } from '../errors.js';
import { sleep as realSleep, retry } from '../retry.js';
import { lastSegment, normalizeSourceArn, parseEventSourceArn } from './names.js';
import type { ProvisionSettings, SourceEntry } from './types.js';

/** The partner source provision works with, ARN in canonical form. */
export type FoundSource = PartnerSource;

export interface SourceDeps {
  eventBridge: EventBridgeClient;
  graphql: StoreApi;
  sleep?: (ms: number) => Promise<void>;
  /** A listing of the account's partner sources shared by many runs (see ProvisionDeps.listSources). */
  listSources?: () => Promise<PartnerSource[]>;
}

/** Polls for a new source: half of each backoff fixed, half jittered, no bound but the caller's wait. */
const WAIT_POLICY = {
  attempts: Infinity,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
  maxWaitMs: Infinity,
  random: () => 0.5 + Math.random() / 2,
};

/** EventBridge does not list the source yet: the poll goes on. */
class NotVisibleYet extends Error {}

/**
 * This store's BigCommerce partner source, found by the last segment of its name (BigCommerce lower-cases
 * it and chooses the segments before it) under either of {@link PARTNER_SOURCE_PREFIXES}, never another
 * partner's. Two live matches are a conflict a person must resolve.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventSources.html
 * IAM: events:ListEventSources (on "*": it has no resource-level permissions).
 */
export const findSource = async (
  eventBridge: EventBridgeClient,
  eventSourceName: string,
  fullName?: string,
  /** The account's partner sources listed already (a shared listing); without it, listed now. */
  listed?: () => Promise<PartnerSource[]>,
): Promise<FoundSource | undefined> => {
  const wanted = eventSourceName.toLowerCase();
  const all = listed ? await listed() : await listPartnerSources(eventBridge, PARTNER_SOURCE_PREFIXES);
  const matches = all
    .filter((source) => (fullName ? source.name === fullName : lastSegment(source.name) === wanted))
    .map((source) => ({ ...source, arn: normalizeSourceArn(source.arn) }));
  const live = matches.filter((source) => source.state !== 'DELETED');
  if (live.length > 1) {
    throw new ConflictError(
      `several BigCommerce event sources are named ${wanted}: ${live.map((s) => s.name).join(', ')}; pass eventSourceName to pick another name`,
    );
  }
  return live[0] ?? matches[0];
};

/** What recovers from a name BigCommerce keeps for a source that is gone: only another name does. */
const nameTaken = (eventSourceName: string) =>
  `BigCommerce keeps the name of a source it deleted, so only another name recovers: POST with another eventSourceName (e.g. ${eventSourceName}-2), then pass the same ?eventSourceName= to GET and DELETE`;

const waitUntilVisible = (
  deps: SourceDeps,
  eventSourceName: string,
  fullName: string | undefined,
  waitMs: number,
) =>
  retry(
    async () => {
      const found = await findSource(deps.eventBridge, eventSourceName, fullName);
      if (found?.state === 'DELETED') {
        throw new ConflictError(
          `BigCommerce deleted event source ${found.name}; ${nameTaken(eventSourceName)}`,
        );
      }
      if (!found) throw new NotVisibleYet();
      return found;
    },
    { ...WAIT_POLICY, budgetMs: waitMs, sleep: deps.sleep ?? realSleep },
    {
      retryable: (error) => error instanceof NotVisibleYet,
      exhausted: () =>
        fullName
          ? new TransientError(
              `BigCommerce created event source ${fullName} but EventBridge does not show it yet; run again`,
            )
          : // BigCommerce answered AlreadyExistsError, yet after the whole wait this account and region list
            // no source of that name: BigCommerce holds a name whose source is gone (it deleted it, and its
            // bus was torn down). Waiting more cannot help.
            new ConflictError(
              `BigCommerce says an event source named ${eventSourceName} exists, but this AWS account and region list none after ${waitMs} ms; ${nameTaken(eventSourceName)}`,
            ),
    },
  );

const entryOf = (
  eventSourceName: string,
  action: SourceEntry['action'],
  source?: FoundSource,
): SourceEntry => ({
  resource: 'source',
  action,
  eventSourceName,
  ...(source && { name: source.name, arn: source.arn, state: source.state }),
});

/**
 * Step 1: the partner event source. Found in EventBridge -> unchanged; else BigCommerce `createEventSource`
 * for this account and region, then a bounded wait until EventBridge lists it. `AlreadyExistsError` from
 * BigCommerce (an earlier run created it) is followed by the same wait.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws#set-up-an-event-source
 * IAM: events:ListEventSources; BigCommerce: webhook.createEventSource.
 */
export const reconcileSource = async (
  input: { eventSourceName: string; dryRun: boolean; settings: ProvisionSettings; reportDeleted?: boolean },
  deps: SourceDeps,
): Promise<{ entry: SourceEntry; source: FoundSource | undefined }> => {
  const { eventSourceName, settings } = input;
  // A shared listing may predate a source created since: one it does not show is looked up live.
  const existing =
    (deps.listSources &&
      (await findSource(deps.eventBridge, eventSourceName, undefined, deps.listSources))) ||
    (await findSource(deps.eventBridge, eventSourceName));
  if (existing?.state === 'DELETED' && input.reportDeleted) {
    const note = 'BigCommerce deleted this source: tear down, then provision again';
    return { entry: { ...entryOf(eventSourceName, 'would-update', existing), note }, source: existing };
  }
  if (existing?.state === 'DELETED') {
    throw new ConflictError(
      `BigCommerce deleted event source ${existing.name}; DELETE /provision/{storeHash} removes its bus and webhooks, then ${nameTaken(eventSourceName)}`,
    );
  }
  if (existing) return { entry: entryOf(eventSourceName, 'unchanged', existing), source: existing };
  if (input.dryRun) return { entry: entryOf(eventSourceName, 'would-create'), source: undefined };

  const created = await createEventSource(deps.graphql, {
    awsAccount: settings.awsAccount,
    eventSourceName,
    eventSourceRegion: eventSourceRegionOf(settings.region),
    clientId: settings.clientId,
  }).catch(async (error: unknown) => {
    // A concurrent run can create the source between our read and this call, and BigCommerce may then
    // refuse with an error other than AlreadyExistsError: if EventBridge now lists it, this step is done.
    // Transient errors keep their meaning (retry the run).
    if (error instanceof TransientError) throw error;
    const now = await findSource(deps.eventBridge, eventSourceName).catch(() => undefined);
    if (now && now.state !== 'DELETED') return { created: false } as const;
    throw error;
  });
  const fullName = created.created ? parseEventSourceArn(created.arn).name : undefined;
  const source = await waitUntilVisible(deps, eventSourceName, fullName, settings.sourceWaitMs);
  return { entry: entryOf(eventSourceName, created.created ? 'created' : 'unchanged', source), source };
};
