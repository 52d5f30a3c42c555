import { tagResource } from '../aws/tags.js';
import { PARTNER_SOURCE_PREFIXES } from '../bigcommerce/envelope.js';
import { DOCUMENTS_FOR } from '../bigcommerce/graphql/documents.js';
import { removeBus } from './bus.js';
import { loggingNamesOf, removeBusLogging } from './bus-logging.js';
import { httpsDestinationOf } from './https.js';
import { lastSegment, normalizeSourceArn } from './names.js';
import { assertOwnName, checkOwnership, ownerTags } from './ownership.js';
import { endRun, ownerOf, ownershipStep, type ProvisionResult, runOf, storeApiOf } from './provision.js';
import { removeRule } from './rule.js';
import { findSource } from './source.js';
import { removeTarget } from './target.js';
import type { Entry, ProvisionDeps, ProvisionSettings } from './types.js';
import { removeWebhooks } from './webhooks.js';

export interface TeardownRequest {
  storeHash: string;
  eventSourceName: string;
  dryRun: boolean;
  /**
   * Tear down the AWS side only, asking BigCommerce nothing: after the app was uninstalled, BigCommerce has
   * deleted the webhooks and the token may be revoked. Without webhooks to prove it, an untagged chain is
   * this store's only by its default name; otherwise it is left and reported, as always.
   */
  awsOnly?: boolean;
}

const NO_WEBHOOKS = async () => false;

const SOURCE_NOTE =
  'BigCommerce has no API to delete an event source: without its bus it returns to PENDING, and AWS deletes it after two weeks in that state (provisioning again reuses it)';

const LEFT_NOTE =
  "left: it carries no ownership tags and no webhook of this store points at its source, so it may be another store's";

/**
 * Removes one store's chain in reverse order: webhooks (EventBridge ones to its source and HTTPS ones to
 * its ingress URL), target, rule, bus. Each step tolerates what is
 * already gone (reported `unchanged`), so a teardown that failed half way can simply be run again. It
 * deletes only what is this store's: a bus or rule of another store stops it before any change (409), and
 * an untagged one that nothing shows to be this store's is left and reported.
 */
export const teardown = async (
  request: TeardownRequest,
  settings: ProvisionSettings,
  deps: ProvisionDeps,
): Promise<ProvisionResult> => {
  const { storeHash, dryRun, eventSourceName } = request;
  const done: Entry[] = [];
  const run = runOf(done, deps, storeHash, settings.deadline);
  const { eventBridge } = deps;
  const owner = ownerOf(storeHash, settings);

  // Teardown lists and deletes webhooks, nothing else: a store without createEventSource can still tear down.
  const store = request.awsOnly ? undefined : await storeApiOf(run, deps, storeHash, DOCUMENTS_FOR.teardown);
  const checked = store
    ? { preflight: store.preflight, ...(store.adaptations && { adaptations: store.adaptations }) }
    : { preflight: 'unverified' as const };
  await run.step('ownership', async () => assertOwnName(owner, eventSourceName));
  const source = await run.step(
    'source',
    async () =>
      (deps.listSources && (await findSource(eventBridge, eventSourceName, undefined, deps.listSources))) ||
      findSource(eventBridge, eventSourceName),
  );
  const ownership = await run.step('ownership', async () => {
    const input = { eventSourceName, source, ruleName: settings.ruleName };
    const found = store
      ? await ownershipStep(owner, input, { eventBridge, graphql: store.api })
      : await checkOwnership({ owner, ...input }, { eventBridge, storeHasWebhooksTo: NO_WEBHOOKS });
    // An untagged chain is proven this store's by its webhooks, which this teardown deletes first: tag it
    // now, so a teardown that stops half way is still this store's to finish.
    if (!dryRun) {
      for (const [claim, arn] of [
        [found.bus, found.busArn],
        [found.rule, found.ruleArn],
      ] as const) {
        if (claim === 'adopt' && arn) await tagResource(eventBridge, arn, ownerTags(owner));
      }
    }
    return found;
  });
  const left = ownership.bus === 'unproven' || ownership.rule === 'unproven';
  const wanted = eventSourceName.toLowerCase();
  // Without a listed source, match by name, but only in this function's region: the same store may have a
  // chain of the same name in another region, seen by the same token, which must survive this teardown.
  const inRegion = `:events:${settings.region}:`;
  const matches = source
    ? (arn: string) => normalizeSourceArn(arn) === normalizeSourceArn(source.arn)
    : (arn: string) =>
        PARTNER_SOURCE_PREFIXES.some((prefix) => arn.includes(`:event-source/${prefix}`)) &&
        normalizeSourceArn(arn).includes(inRegion) &&
        lastSegment(arn) === wanted;

  if (store) {
    // Both transports' webhooks: a store may be half way through a switch.
    const httpsDestination = httpsDestinationOf(settings, storeHash);
    await run.step('webhooks', () =>
      removeWebhooks(
        { matches, dryRun, ...(httpsDestination && { httpsDestination }) },
        store.api,
        run.record('webhooks'),
      ),
    );
  }
  const busName = source?.name;
  const rule = { name: settings.ruleName, eventBusName: busName ?? '' };
  const target = {
    rule,
    targetId: settings.targetId,
    queueArn: settings.queueArn,
    deadLetterQueueArn: settings.deadLetterQueueArn,
  };
  /** What this teardown leaves in place (reported as the run's drift: the chain is not gone). */
  const leftInPlace: Entry[] = [];
  if (left) {
    const { targetId: id, queueArn: arn, deadLetterQueueArn: deadLetterArn } = target;
    const note = LEFT_NOTE;
    leftInPlace.push(
      { resource: 'target', action: 'unchanged', id, rule: rule.name, arn, deadLetterArn, note },
      { resource: 'rule', action: 'unchanged', name: rule.name, eventBusName: rule.eventBusName, note },
      { resource: 'bus', action: 'unchanged', name: rule.eventBusName, note },
    );
    for (const entry of leftInPlace) run.record(entry.resource as 'target' | 'rule' | 'bus')(entry);
  } else {
    await run.apply('target', () => removeTarget({ ...target, dryRun }, eventBridge));
    const wait = deps.sleep ? { sleep: deps.sleep } : {};
    await run.apply('rule', () =>
      removeRule({ name: rule.name, busName, dryRun, targetId: settings.targetId }, eventBridge, wait),
    );
    // Before the bus: a delivery source outlives the bus it names.
    const logging = await run.step('logging', () =>
      removeBusLogging(
        { busName, dryRun, names: () => loggingNamesOf(storeHash, settings) },
        { eventBridge, logs: deps.logs },
      ),
    );
    logging.forEach(run.record('logging'));
    await run.apply('bus', () => removeBus({ sourceName: busName, dryRun }, eventBridge, wait));
  }

  run.record('source')({
    resource: 'source',
    action: 'unchanged',
    eventSourceName,
    ...(source && { name: source.name, arn: source.arn, state: source.state, note: SOURCE_NOTE }),
  });
  // What was left is still there: the chain this request named is not gone.
  return endRun(
    { storeHash, dryRun, ...checked, entries: done },
    deps,
    (quiet) => teardown({ ...request, dryRun: true }, settings, quiet),
    leftInPlace,
  );
};
