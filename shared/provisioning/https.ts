import { PARTNER_SOURCE_PREFIXES } from '../bigcommerce/envelope.js';
import { DOCUMENTS_FOR } from '../bigcommerce/graphql/documents.js';
import type { StoreWebhook } from '../bigcommerce/graphql/webhooks.js';
import { PermanentError } from '../errors.js';
import { ProvisionError } from './errors.js';
import { lastSegment, normalizeSourceArn } from './names.js';
import type { ProvisionRequest, ProvisionResult } from './provision.js';
import { endRun, runOf, storeApiOf } from './provision.js';
import { findSource } from './source.js';
import { teardown } from './teardown.js';
import type { Entry, ProvisionDeps, ProvisionSettings } from './types.js';
import { reconcileWebhooks } from './webhooks.js';

/** The path of the ingress under the HTTP API: `POST /webhooks/{storeHash}` (functions/ingest). */
const INGRESS_PATH = '/webhooks/';

/** Where a store's HTTPS webhooks point (`<base>/webhooks/<storeHash>`), or undefined without an ingress URL. */
export const httpsDestinationOf = (
  settings: Pick<ProvisionSettings, 'ingressBaseUrl'>,
  storeHash: string,
): string | undefined =>
  settings.ingressBaseUrl
    ? `${settings.ingressBaseUrl.replace(/\/+$/, '')}${INGRESS_PATH}${encodeURIComponent(storeHash)}`
    : undefined;

/**
 * The EventBridge webhooks of this store's chain, by its source's name (the last segment, lower-cased by
 * BigCommerce) under BigCommerce's partner prefixes in this region only: a chain of the same name in
 * another region stays.
 */
export const isEventBridgeWebhookOf =
  (eventSourceName: string, region: string) =>
  (hook: StoreWebhook): boolean => {
    if (hook.transport !== 'eventbridge' || !hook.destination) return false;
    const arn = normalizeSourceArn(hook.destination);
    return (
      PARTNER_SOURCE_PREFIXES.some((prefix) => arn.includes(`:event-source/${prefix}`)) &&
      arn.includes(`:events:${region}:`) &&
      lastSegment(arn) === eventSourceName.toLowerCase()
    );
  };

const NO_INGRESS =
  'the HTTPS transport needs the ingress URL: set INGRESS_BASE_URL (serverless.yml sets it from the HTTP API; `--param ingressBaseUrl=...` overrides it)';

/** An entry of the old EventBridge chain's AWS side: its webhooks are this run's to switch, not the teardown's. */
const isAwsEntry = (entry: Entry) => entry.resource !== 'webhook';

/**
 * A store on the HTTPS transport: one active `createHttpsWebhook` webhook per wanted scope to the ingress,
 * no event source, bus, rule or target. A store switching from EventBridge keeps its EventBridge webhooks
 * until every wanted scope has an active HTTPS webhook, then deletes them, then its target, rule and bus
 * (only once its source is ACTIVE, i.e. has a bus: a store that never had one costs no EventBridge call
 * beyond the source listing). A run stopped half way is finished by the next. Dry run, status and
 * verification work as for EventBridge (provision.ts).
 * IAM: events:ListEventSources; for a switch, teardown's (events:RemoveTargets, DeleteRule, DeleteEventBus).
 */
export const provisionHttps = async (
  request: ProvisionRequest,
  settings: ProvisionSettings,
  deps: ProvisionDeps,
): Promise<ProvisionResult> => {
  const { storeHash, dryRun } = request;
  const done: Entry[] = [];
  const run = runOf(done, deps, storeHash, settings.deadline);
  const destination = await run.step('webhooks', async () => {
    const url = httpsDestinationOf(settings, storeHash);
    if (!url) throw new PermanentError(NO_INGRESS);
    return url;
  });
  const { api: graphql, ...checked } = await storeApiOf(
    run,
    deps,
    storeHash,
    request.reportDeleted ? DOCUMENTS_FOR.status : DOCUMENTS_FOR.https,
  );
  await run.step('webhooks', () =>
    reconcileWebhooks(
      {
        destination,
        transport: 'https',
        scopes: request.scopes,
        prune: request.prune,
        dryRun,
        retire: isEventBridgeWebhookOf(request.eventSourceName, settings.region),
      },
      graphql,
      run.record('webhooks'),
    ),
  );

  // The old chain, if any: its webhooks are gone now (or would be), so its bus, rule and target may go.
  const source = await run.step('source', () =>
    findSource(deps.eventBridge, request.eventSourceName, undefined, deps.listSources),
  );
  let left: Entry[] | string = [];
  if (source?.state === 'ACTIVE') {
    try {
      const removed = await teardown(
        { storeHash, eventSourceName: request.eventSourceName, dryRun, awsOnly: true },
        settings,
        deps,
      );
      const oldChain = removed.entries.filter(isAwsEntry);
      done.push(...oldChain);
      // What it left in place, or what it still plans (a dry run): either way the old chain is not gone.
      if (!removed.converged) left = removed.drift ?? oldChain;
    } catch (error) {
      if (error instanceof ProvisionError) {
        throw new ProvisionError(error.step, error.cause, [...done, ...error.entries]);
      }
      throw error;
    }
  }

  return endRun(
    { storeHash, dryRun, ...checked, entries: done },
    deps,
    (quiet) => provisionHttps({ ...request, dryRun: true }, settings, quiet),
    left,
  );
};
