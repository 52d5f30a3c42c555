import { type EventBridgeClient, PutPartnerEventsCommand } from '@aws-sdk/client-eventbridge';
import { DETAIL_TYPE } from '../../shared/bigcommerce/envelope.js';
import { sampleData, samplePayload } from '../../shared/bigcommerce/samples.js';
import { resolveScope } from '../../shared/bigcommerce/scopes/index.js';
import { parseEventSourceArn } from '../../shared/provisioning/names.js';
import { covers } from '../../shared/provisioning/scopes.js';
import { type DeliveryAttempt, type HttpsDelivery, httpsDeliveryOf } from './https-delivery.js';
import { isHttpsWebhook } from './https-webhooks.js';
import type { SandboxResources } from './resources.js';
import type { SandboxState, SandboxWebhook } from './state.js';

/**
 * What to fire: a store event of `scope`, with documented sample data around `id`, or with `data` as given.
 * The other fields override what the sandbox would put in the payload, to fire what BigCommerce might.
 */
export interface FireRequest {
  storeHash: string;
  scope: string;
  id?: number;
  data?: unknown;
  /** `created_at` (Unix seconds); firing the same request with it again sends the same event again. */
  createdAt?: number;
  /** `hash` as given, e.g. the same for two events (BigCommerce documents it as a SHA-1 of `data`). */
  hash?: string;
  /** `producer` as given instead of `stores/{storeHash}`: an event on this store's sources claiming another. */
  producer?: string;
}

/** One partner event the sandbox put on an event source. */
export interface PartnerEvent {
  webhookId: string;
  /** The webhook's scope, which may be a wildcard. */
  subscribedScope: string;
  source: string;
  eventId: string | undefined;
}

/** Puts partner events on their sources, as BigCommerce does with PutPartnerEvents. */
export type PartnerEventPublisher = (
  entries: { Source: string; DetailType: string; Detail: string }[],
) => Promise<(string | undefined)[]>;

/** The publisher of the offline stack: PutPartnerEvents on the EventBridge the client points at. */
export const partnerEventPublisher =
  (eventBridge: EventBridgeClient): PartnerEventPublisher =>
  async (entries) => {
    const ids: (string | undefined)[] = [];
    // PutPartnerEvents takes at most 20 entries per call.
    for (let start = 0; start < entries.length; start += 20) {
      const result = await eventBridge.send(
        new PutPartnerEventsCommand({ Entries: entries.slice(start, start + 20) }),
      );
      const failed = (result.Entries ?? []).filter((entry) => entry.ErrorCode);
      if (failed.length > 0) {
        throw new Error(
          `PutPartnerEvents failed: ${failed.map((entry) => entry.ErrorMessage ?? entry.ErrorCode).join('; ')}`,
        );
      }
      ids.push(...(result.Entries ?? []).map((entry) => entry.EventId));
    }
    return ids;
  };

/** True when a webhook subscribed to `subscribed` receives events of the concrete `scope`. */
export const scopeMatches = (subscribed: string, scope: string) =>
  subscribed === scope || covers(subscribed, scope);

/** Thrown for a fire request the sandbox cannot build a payload for. */
export class FireRequestError extends Error {
  override readonly name = 'FireRequestError';
}

const dataFor = (request: FireRequest) => {
  if (request.data !== undefined) return request.data;
  const resolved = resolveScope(request.scope);
  if (!resolved) {
    throw new FireRequestError(
      `${request.scope} is not a catalog scope; pass its data explicitly to fire it anyway`,
    );
  }
  return sampleData(resolved.scope, request.id ?? 42);
};

/**
 * Fires one store event: builds the payload in the documented shape (hash = SHA-1) and puts it, as a
 * `bigCommerceWebhook` partner event, on the event source of every active EventBridge webhook of the store
 * whose scope matches, wildcards included, and POSTs it, signed, to every matching HTTPS webhook (`https`;
 * `https`, by default the state's {@link httpsDeliveryOf}; the result lists each first attempt, retries
 * follow on its scheduler). No matching webhook, no event, as
 * on BigCommerce. The resource the payload points at is recorded in `resources` first (a handler fetching
 * it finds it, or finds it gone after a deletion).
 */
export const fireEvent = async (
  state: SandboxState,
  request: FireRequest,
  publish: PartnerEventPublisher,
  resources?: SandboxResources,
  https?: HttpsDelivery,
) => {
  if (request.scope.includes('*') && !request.scope.startsWith('store/channel/*/')) {
    throw new FireRequestError('fire a concrete scope such as store/product/updated, not a wildcard');
  }
  const payload = {
    ...samplePayload({
      scope: request.scope,
      data: dataFor(request),
      storeHash: request.storeHash,
      createdAt: request.createdAt,
    }),
    ...(request.hash !== undefined && { hash: request.hash }),
    ...(request.producer !== undefined && { producer: request.producer }),
  };
  resources?.recordFired(request.storeHash, request.scope, payload.data);
  const matching = state.webhooks.filter(
    (hook: SandboxWebhook) =>
      hook.storeHash === request.storeHash && hook.isActive && scopeMatches(hook.scope, request.scope),
  );
  const webhooks = matching.filter((hook) => !isHttpsWebhook(hook));
  const httpsHooks = matching.filter(isHttpsWebhook);
  const sources = webhooks.map((hook) => parseEventSourceArn(hook.destination).name);
  const detail = JSON.stringify(payload);
  const eventIds = await publish(
    sources.map((Source) => ({ Source, DetailType: DETAIL_TYPE, Detail: detail })),
  );
  const delivered: PartnerEvent[] = webhooks.map((hook, index) => ({
    webhookId: `bc/store/webhook/${hook.id}`,
    subscribedScope: hook.scope,
    source: sources[index] ?? '',
    eventId: eventIds[index],
  }));
  const delivery = https ?? httpsDeliveryOf(state);
  const attempts: DeliveryAttempt[] = await Promise.all(
    httpsHooks.map((hook) => delivery.deliver(hook, detail)),
  );
  return { payload, delivered, https: attempts };
};
