import { PARTNER_SOURCE_PREFIX } from '../bigcommerce/envelope.js';
import { removeBus } from './bus.js';
import { lastSegment, normalizeSourceArn } from './names.js';
import { runOf } from './provision.js';
import { removeRule } from './rule.js';
import { findSource } from './source.js';
import { removeTarget } from './target.js';
import type { Entry, ProvisionDeps, ProvisionSettings } from './types.js';
import { removeWebhooks } from './webhooks.js';

export interface TeardownRequest {
  storeHash: string;
  eventSourceName: string;
  dryRun: boolean;
}

const SOURCE_NOTE =
  'BigCommerce has no API to delete an event source: without its bus it returns to PENDING, and AWS deletes it after two weeks in that state (provisioning again reuses it)';

/**
 * Removes one store's chain in reverse order: webhooks, target, rule, bus. Each step tolerates what is
 * already gone (reported `unchanged`), so a teardown that failed half way can simply be run again.
 */
export const teardown = async (
  request: TeardownRequest,
  settings: ProvisionSettings,
  deps: ProvisionDeps,
) => {
  const { storeHash, dryRun, eventSourceName } = request;
  const done: Entry[] = [];
  const run = runOf(done, deps, storeHash, settings.deadline);
  const { eventBridge } = deps;

  const graphql = await run.step('credentials', () => deps.graphqlFor(storeHash));
  const source = await run.step('source', () => findSource(eventBridge, eventSourceName));
  const wanted = eventSourceName.toLowerCase();
  // Without a listed source, match by name, but only in this function's region: the same store may have a
  // chain of the same name in another region, seen by the same token, which must survive this teardown.
  const inRegion = `:events:${settings.region}:`;
  const matches = source
    ? (arn: string) => normalizeSourceArn(arn) === normalizeSourceArn(source.arn)
    : (arn: string) =>
        arn.includes(`:event-source/${PARTNER_SOURCE_PREFIX}`) &&
        normalizeSourceArn(arn).includes(inRegion) &&
        lastSegment(arn) === wanted;

  await run.step('webhooks', () => removeWebhooks({ matches, dryRun }, graphql, run.record('webhooks')));
  await run.apply('target', () =>
    removeTarget(
      {
        rule: { name: settings.ruleName, eventBusName: source?.name ?? '' },
        targetId: settings.targetId,
        queueArn: settings.queueArn,
        deadLetterQueueArn: settings.deadLetterQueueArn,
        dryRun,
      },
      eventBridge,
    ),
  );
  await run.apply('rule', () =>
    removeRule({ name: settings.ruleName, busName: source?.name, dryRun }, eventBridge),
  );
  await run.apply('bus', () => removeBus({ sourceName: source?.name, dryRun }, eventBridge));

  run.record('source')({
    resource: 'source',
    action: 'unchanged',
    eventSourceName,
    ...(source && { name: source.name, arn: source.arn, state: source.state, note: SOURCE_NOTE }),
  });
  return {
    storeHash,
    dryRun,
    converged: !dryRun || done.every((item) => item.action === 'unchanged'),
    entries: done,
  };
};
