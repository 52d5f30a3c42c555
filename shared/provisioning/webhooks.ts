import type { StoreApi } from '../bigcommerce/graphql/client.js';
import type { UnionError } from '../bigcommerce/graphql/schemas.js';
import {
  createEventBridgeWebhooks,
  deleteWebhooks,
  listWebhooks,
  reactivateWebhooks,
  type StoreWebhook,
} from '../bigcommerce/graphql/webhooks.js';
import { PermanentError } from '../errors.js';
import { normalizeSourceArn } from './names.js';
import type { WebhookEntry } from './types.js';

export interface WebhooksInput {
  /** The canonical source ARN; `undefined` when the source does not exist yet (dry run). */
  destination: string | undefined;
  scopes: string[];
  prune: boolean;
  dryRun: boolean;
}

const entry = (
  action: WebhookEntry['action'],
  scope: string,
  wanted: boolean,
  hook?: Pick<StoreWebhook, 'id' | 'active' | 'status'>,
): WebhookEntry => ({
  resource: 'webhook',
  action,
  scope,
  wanted,
  ...(hook && { id: hook.id, active: hook.active }),
  ...(hook?.status && { webhookStatus: hook.status }),
});

const describe = (errors: UnionError[]) =>
  errors.map((error) => `${error.__typename}: ${error.message ?? 'no message'}`).join('; ');

/** The store's webhooks whose destination is `destination` (compared in canonical ARN form). */
export const webhooksTo = async (graphql: StoreApi, matches: (destination: string) => boolean) =>
  (await listWebhooks(graphql)).filter(
    (hook) => hook.destination && matches(normalizeSourceArn(hook.destination)),
  );

/**
 * Step 5: one active EventBridge webhook per wanted scope to the source ARN. Lists every page, creates the
 * missing ones ten per round trip (GraphQL aliases), reactivates inactive ones, and with `prune` deletes
 * webhooks to this destination that are not wanted. `AlreadyExistsError` means an earlier run made it.
 * Each finished entry is passed to `record` at once, so a failure still reports what was done.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws#create-an-amazon-eventbridge-webhook
 * IAM: none (BigCommerce: store.webhooks, createEventBridgeWebhook, the update mutation or deleteWebhook).
 */
export const reconcileWebhooks = async (
  input: WebhooksInput,
  graphql: StoreApi,
  record: (entry: WebhookEntry) => void,
): Promise<void> => {
  const { destination, dryRun } = input;
  const existing = destination ? await webhooksTo(graphql, (arn) => arn === destination) : [];
  const byScope = new Map(existing.map((hook) => [hook.scope, hook]));
  const missing = input.scopes.filter((scope) => !byScope.has(scope));
  const inactive = existing.filter((hook) => input.scopes.includes(hook.scope) && !hook.active);
  const extra = existing.filter((hook) => !input.scopes.includes(hook.scope));

  for (const hook of existing.filter((h) => input.scopes.includes(h.scope) && h.active)) {
    record(entry('unchanged', hook.scope, true, hook));
  }
  for (const hook of extra.filter(() => !input.prune)) record(entry('unchanged', hook.scope, false, hook));
  if (dryRun || !destination) {
    for (const scope of missing) record(entry('would-create', scope, true));
    for (const hook of inactive) record(entry('would-update', hook.scope, true, hook));
    for (const hook of extra.filter(() => input.prune))
      record(entry('would-delete', hook.scope, false, hook));
    return;
  }

  const failures: string[] = [];
  const toActivate = [...inactive];
  const outcomes = await createEventBridgeWebhooks(
    graphql,
    missing.map((scope) => ({ scope, destination, isActive: true })),
  );
  const raced: string[] = [];
  outcomes.forEach((outcome, i) => {
    const scope = missing[i] ?? '';
    if (outcome.ok) record(entry('created', scope, true, outcome.webhook));
    else if (outcome.errors.every((error) => error.__typename === 'AlreadyExistsError')) raced.push(scope);
    else failures.push(`create ${scope}: ${describe(outcome.errors)}`);
  });
  if (raced.length > 0) {
    // Made by a concurrent or interrupted run: find them to report their ids and activate them.
    const now = new Map((await webhooksTo(graphql, (arn) => arn === destination)).map((h) => [h.scope, h]));
    for (const scope of raced) {
      const hook = now.get(scope);
      if (!hook) failures.push(`create ${scope}: BigCommerce says it exists but does not list it`);
      else if (hook.active) record(entry('unchanged', scope, true, hook));
      else toActivate.push(hook);
    }
  }

  const activated = await reactivateWebhooks(graphql, toActivate);
  activated.forEach((outcome, i) => {
    const hook = toActivate[i];
    if (!hook) return;
    if (outcome.ok) record(entry('updated', hook.scope, true, outcome.webhook));
    else failures.push(`reactivate ${hook.scope} (${hook.id}): ${describe(outcome.errors)}`);
  });

  const prunable = input.prune ? extra : [];
  const deleted = await deleteWebhooks(
    graphql,
    prunable.map((hook) => hook.id),
  );
  deleted.forEach((errors, i) => {
    const hook = prunable[i];
    if (!hook) return;
    if (errors.every((error) => error.__typename === 'EntityNotFoundError')) {
      record(entry('deleted', hook.scope, false, { id: hook.id, active: hook.active }));
    } else failures.push(`delete ${hook.scope} (${hook.id}): ${describe(errors)}`);
  });

  if (failures.length > 0) throw new PermanentError(`BigCommerce refused: ${failures.join('; ')}`);
};

/**
 * Teardown of step 5: deletes every webhook to the destination; ones already gone count as deleted.
 * IAM: none (BigCommerce: store.webhooks, deleteWebhook).
 */
export const removeWebhooks = async (
  input: { matches: (destination: string) => boolean; dryRun: boolean },
  graphql: StoreApi,
  record: (entry: WebhookEntry) => void,
): Promise<void> => {
  const hooks = await webhooksTo(graphql, input.matches);
  if (input.dryRun) {
    for (const hook of hooks) record(entry('would-delete', hook.scope, false, hook));
    return;
  }
  const results = await deleteWebhooks(
    graphql,
    hooks.map((hook) => hook.id),
  );
  const failures: string[] = [];
  results.forEach((errors, i) => {
    const hook = hooks[i];
    if (!hook) return;
    if (errors.every((error) => error.__typename === 'EntityNotFoundError')) {
      record(entry('deleted', hook.scope, false, hook));
    } else failures.push(`delete ${hook.scope} (${hook.id}): ${describe(errors)}`);
  });
  if (failures.length > 0) throw new PermanentError(`BigCommerce refused: ${failures.join('; ')}`);
};
