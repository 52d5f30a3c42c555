import type { StoreApi } from '../bigcommerce/graphql/client.js';
import type { UnionError } from '../bigcommerce/graphql/schemas.js';
import {
  createEventBridgeWebhooks,
  createHttpsWebhooks,
  deleteWebhooks,
  listWebhooks,
  reactivateWebhooks,
  type StoreWebhook,
} from '../bigcommerce/graphql/webhooks.js';
import { PermanentError, TransientError } from '../errors.js';
import { normalizeSourceArn } from './names.js';
import type { Transport, WebhookEntry } from './types.js';

export interface WebhooksInput {
  /** The canonical source ARN or the ingress URL; `undefined` when the source does not exist yet (dry run). */
  destination: string | undefined;
  /** Which kind of webhook to `destination` this step keeps: EventBridge (default) or HTTPS. */
  transport?: Transport;
  scopes: string[];
  prune: boolean;
  dryRun: boolean;
  /**
   * The store's webhooks of its other transport (a switch): deleted only once every wanted scope has an
   * active webhook to `destination`, read back after this run's creates, so no scope is ever without one.
   */
  retire?: (hook: StoreWebhook) => boolean;
}

const entry = (
  action: WebhookEntry['action'],
  scope: string,
  wanted: boolean,
  hook?: Pick<StoreWebhook, 'id' | 'active' | 'status'> & { transport?: StoreWebhook['transport'] },
  transport?: Transport,
): WebhookEntry => ({
  resource: 'webhook',
  action,
  scope,
  wanted,
  ...((transport ?? hook?.transport) && { transport: transport ?? hook?.transport }),
  ...(hook && { id: hook.id, active: hook.active }),
  ...(hook?.status && { webhookStatus: hook.status }),
});

const describe = (errors: UnionError[]) =>
  errors.map((error) => `${error.__typename}: ${error.message ?? 'no message'}`).join('; ');

/**
 * The union error types retrying the same request cannot change: bad input and refused access. A guess at
 * BigCommerce's names beyond `ValidationError` (the one its guide shows); any other answer (no payload, an
 * unknown type, "already exists" but not listed yet) may pass on a retry, so it is transient, and the
 * scheduled reconcile tries again rather than skipping the store until a POST.
 */
const PERMANENT_TYPES: readonly string[] = [
  'ValidationError',
  'AccessDeniedError',
  'UnauthorizedError',
  'ForbiddenError',
  'PermissionDeniedError',
];

/** The refusals of one step: permanent when one of them is (the run cannot converge), else transient. */
const failuresOf = () => {
  const messages: string[] = [];
  let permanent = false;
  return {
    add(message: string, errors: UnionError[] = []) {
      messages.push(message);
      if (errors.length > 0 && errors.every((error) => PERMANENT_TYPES.includes(error.__typename)))
        permanent = true;
    },
    throwIfAny() {
      if (messages.length === 0) return;
      const message = `BigCommerce refused: ${messages.join('; ')}`;
      throw permanent ? new PermanentError(message) : new TransientError(message);
    },
  };
};
type Failures = ReturnType<typeof failuresOf>;

/** The store's webhooks whose destination is `destination` (compared in canonical ARN form); HTTPS ones never. */
export const webhooksTo = async (graphql: StoreApi, matches: (destination: string) => boolean) =>
  (await listWebhooks(graphql)).filter(
    (hook) => hook.transport !== 'https' && hook.destination && matches(normalizeSourceArn(hook.destination)),
  );

/** Whether `hook` is one of the webhooks this step keeps: its transport's, to its destination. */
const isOwn = (input: { destination: string | undefined; transport: Transport }) => (hook: StoreWebhook) =>
  input.destination !== undefined &&
  hook.destination !== undefined &&
  (input.transport === 'https'
    ? hook.transport === 'https' && hook.destination === input.destination
    : hook.transport !== 'https' && normalizeSourceArn(hook.destination) === input.destination);

const createOf = (transport: Transport) => (graphql: StoreApi, scopes: string[], destination: string) =>
  transport === 'https'
    ? createHttpsWebhooks(
        graphql,
        scopes.map((scope) => ({ scope, destination })),
      )
    : createEventBridgeWebhooks(
        graphql,
        scopes.map((scope) => ({ scope, destination, isActive: true })),
      );

/**
 * Step 5: one active webhook per wanted scope to the destination (the source ARN, or the ingress URL for
 * HTTPS). Lists every page, creates the missing ones ten per round trip (GraphQL aliases), reactivates
 * inactive ones, with `prune` deletes webhooks to this destination that are not wanted, and then deletes
 * the webhooks `retire` names (the old transport of a switch). `AlreadyExistsError` means an earlier run
 * made it. Webhooks to any other destination are never touched. Each finished entry is passed to `record`
 * at once, so a failure still reports what was done.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/aws#create-an-amazon-eventbridge-webhook
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks/https-webhook-overview
 * IAM: none (BigCommerce: store.webhooks, createEventBridgeWebhook or createHttpsWebhook, the update
 * mutation or deleteWebhook).
 */
export const reconcileWebhooks = async (
  input: WebhooksInput,
  graphql: StoreApi,
  record: (entry: WebhookEntry) => void,
): Promise<void> => {
  const { destination, dryRun } = input;
  const transport = input.transport ?? 'eventbridge';
  const own = isOwn({ destination, transport });
  const all = await listWebhooks(graphql);
  const existing = all.filter(own);
  const retiring = input.retire ? all.filter((hook) => !own(hook) && input.retire?.(hook)) : [];
  const byScope = new Map(existing.map((hook) => [hook.scope, hook]));
  const missing = input.scopes.filter((scope) => !byScope.has(scope));
  const inactive = existing.filter((hook) => input.scopes.includes(hook.scope) && !hook.active);
  const extra = existing.filter((hook) => !input.scopes.includes(hook.scope));

  for (const hook of existing.filter((h) => input.scopes.includes(h.scope) && h.active)) {
    record(entry('unchanged', hook.scope, true, hook));
  }
  for (const hook of extra.filter(() => !input.prune)) record(entry('unchanged', hook.scope, false, hook));
  if (dryRun || !destination) {
    for (const scope of missing) record(entry('would-create', scope, true, undefined, transport));
    for (const hook of inactive) record(entry('would-update', hook.scope, true, hook));
    for (const hook of extra.filter(() => input.prune))
      record(entry('would-delete', hook.scope, false, hook));
    for (const hook of retiring) record(entry('would-delete', hook.scope, false, hook));
    return;
  }

  const failures = failuresOf();
  const toActivate = [...inactive];
  const outcomes = await createOf(transport)(graphql, missing, destination);
  const raced: string[] = [];
  outcomes.forEach((outcome, i) => {
    const scope = missing[i] ?? '';
    if (outcome.ok) record(entry('created', scope, true, outcome.webhook, transport));
    else if (outcome.errors.every((error) => error.__typename === 'AlreadyExistsError')) raced.push(scope);
    else failures.add(`create ${scope}: ${describe(outcome.errors)}`, outcome.errors);
  });
  if (raced.length > 0) {
    // Made by a concurrent or interrupted run: find them to report their ids and activate them.
    const now = new Map((await listWebhooks(graphql)).filter(own).map((h) => [h.scope, h]));
    for (const scope of raced) {
      const hook = now.get(scope);
      if (!hook) failures.add(`create ${scope}: BigCommerce says it exists but does not list it yet`);
      else if (hook.active) record(entry('unchanged', scope, true, hook));
      else toActivate.push(hook);
    }
  }

  const activated = await reactivateWebhooks(graphql, toActivate);
  activated.forEach((outcome, i) => {
    const hook = toActivate[i];
    if (!hook) return;
    if (outcome.ok) record(entry('updated', hook.scope, true, { ...outcome.webhook, transport }));
    else failures.add(`reactivate ${hook.scope} (${hook.id}): ${describe(outcome.errors)}`, outcome.errors);
  });

  const prunable = input.prune ? extra : [];
  await deleteAll(graphql, prunable, record, failures);

  failures.throwIfAny();
  if (retiring.length === 0) return;
  // The old transport goes only when the store lists an active webhook to the new one for every wanted
  // scope: what this run created is read back first, so a webhook BigCommerce did not keep stops the switch.
  const changed = missing.length > 0 || toActivate.length > 0;
  const listed = changed ? (await listWebhooks(graphql)).filter(own) : existing;
  const uncovered = input.scopes.filter(
    (scope) => !listed.some((hook) => hook.scope === scope && hook.active),
  );
  if (uncovered.length > 0) {
    throw new TransientError(
      `the store does not list an active ${transport} webhook for ${uncovered.join(', ')} yet: the ${transport === 'https' ? 'EventBridge' : 'HTTPS'} webhooks are kept until it does`,
    );
  }
  await deleteAll(graphql, retiring, record, failures);
  failures.throwIfAny();
};

/** Deletes `hooks`, recording each as deleted (one already gone too) and each refusal in `failures`. */
const deleteAll = async (
  graphql: StoreApi,
  hooks: StoreWebhook[],
  record: (entry: WebhookEntry) => void,
  failures: Failures,
) => {
  const deleted = await deleteWebhooks(
    graphql,
    hooks.map((hook) => hook.id),
  );
  deleted.forEach((errors, i) => {
    const hook = hooks[i];
    if (!hook) return;
    if (errors.every((error) => error.__typename === 'EntityNotFoundError')) {
      record(
        entry('deleted', hook.scope, false, { id: hook.id, active: hook.active, transport: hook.transport }),
      );
    } else failures.add(`delete ${hook.scope} (${hook.id}): ${describe(errors)}`, errors);
  });
};

/**
 * Teardown of step 5: deletes every webhook to the destination (EventBridge, and HTTPS to the store's
 * ingress URL); ones already gone count as deleted.
 * IAM: none (BigCommerce: store.webhooks, deleteWebhook).
 */
export const removeWebhooks = async (
  input: {
    matches: (destination: string) => boolean;
    /** The store's HTTPS webhook URL, when an ingress is configured: those webhooks go too. */
    httpsDestination?: string;
    dryRun: boolean;
  },
  graphql: StoreApi,
  record: (entry: WebhookEntry) => void,
): Promise<void> => {
  const hooks = (await listWebhooks(graphql)).filter((hook) =>
    hook.transport === 'https'
      ? input.httpsDestination !== undefined && hook.destination === input.httpsDestination
      : hook.destination !== undefined && input.matches(normalizeSourceArn(hook.destination)),
  );
  if (input.dryRun) {
    for (const hook of hooks) record(entry('would-delete', hook.scope, false, hook));
    return;
  }
  const results = await deleteWebhooks(
    graphql,
    hooks.map((hook) => hook.id),
  );
  const failures = failuresOf();
  results.forEach((errors, i) => {
    const hook = hooks[i];
    if (!hook) return;
    if (errors.every((error) => error.__typename === 'EntityNotFoundError')) {
      record(entry('deleted', hook.scope, false, hook));
    } else failures.add(`delete ${hook.scope} (${hook.id}): ${describe(errors)}`, errors);
  });
  failures.throwIfAny();
};
