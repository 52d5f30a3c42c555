import { normalizeSourceArn } from '../../shared/provisioning/names.js';
import { isSubscribableScope } from '../../shared/provisioning/scopes.js';

/** A partner event source the sandbox created on a store's behalf. */
export interface SandboxEventSource {
  id: string;
  storeHash: string;
  clientId: string;
  awsAccount: string;
  /** AWS spelling, e.g. `us-east-1`. */
  region: string;
  /** The full partner name, e.g. `aws.partner/bigcommerce.com/sandbox/<client id>/<name>`. */
  name: string;
  /** The ARN as BigCommerce's docs show it: without the `events` segment. */
  arn: string;
  eventSourceName: string;
}

export interface SandboxWebhook {
  id: number;
  storeHash: string;
  clientId: string;
  scope: string;
  destination: string;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
  /** How events reach the destination: an event source ARN (default) or an HTTPS URL (https-webhooks.ts). */
  transport?: 'eventbridge' | 'https';
  /** An HTTPS webhook's custom headers, sent with every delivery. */
  headers?: Record<string, string>;
}

/** A typed member of a mutation's `errors` union. */
export interface UnionError {
  __typename: 'AlreadyExistsError' | 'ValidationError' | 'EntityNotFoundError';
  message: string;
}

/** BigCommerce's platform limit: at most this many webhooks per store + client + scope. */
export const MAX_WEBHOOKS_PER_SCOPE = 10;

/** The sandbox's memory: event sources and webhooks of every store. */
export class SandboxState {
  readonly eventSources: SandboxEventSource[] = [];
  readonly webhooks: SandboxWebhook[] = [];
  private nextId = 1;

  /** A fresh numeric id, shared by sources and webhooks like BigCommerce's global ids. */
  newId() {
    const id = this.nextId;
    this.nextId += 1;
    return id;
  }

  /** The webhooks one client sees on one store (webhooks are visible only to the credentials that made them). */
  webhooksOf(storeHash: string, clientId: string) {
    return this.webhooks.filter((hook) => hook.storeHash === storeHash && hook.clientId === clientId);
  }

  /** Creates a webhook, or says why BigCommerce would refuse it. */
  createWebhook(
    storeHash: string,
    clientId: string,
    input: { scope: string; destination: string; isActive?: boolean | null },
  ): { webhook: SandboxWebhook } | { error: UnionError } {
    if (!isSubscribableScope(input.scope)) {
      return {
        error: { __typename: 'ValidationError', message: `scope ${input.scope} is not a valid scope` },
      };
    }
    const destination = normalizeSourceArn(input.destination);
    const known = this.eventSources.some(
      (source) => source.storeHash === storeHash && normalizeSourceArn(source.arn) === destination,
    );
    if (!known) {
      return {
        error: {
          __typename: 'ValidationError',
          message: `destination ${input.destination} is not an event source of this store`,
        },
      };
    }
    const sameScope = this.webhooksOf(storeHash, clientId).filter((hook) => hook.scope === input.scope);
    if (sameScope.some((hook) => normalizeSourceArn(hook.destination) === destination)) {
      return {
        error: {
          __typename: 'AlreadyExistsError',
          message: `a webhook for ${input.scope} to this destination exists`,
        },
      };
    }
    if (sameScope.length >= MAX_WEBHOOKS_PER_SCOPE) {
      return {
        error: {
          __typename: 'ValidationError',
          message: `at most ${MAX_WEBHOOKS_PER_SCOPE} webhooks per scope`,
        },
      };
    }
    const now = new Date().toISOString();
    const webhook: SandboxWebhook = {
      id: this.newId(),
      storeHash,
      clientId,
      scope: input.scope,
      destination: input.destination,
      isActive: input.isActive ?? true,
      createdAt: now,
      updatedAt: now,
    };
    this.webhooks.push(webhook);
    return { webhook };
  }

  /** Finds a webhook of this store and client by its global id `bc/store/webhook/<n>`. */
  findWebhook(storeHash: string, clientId: string, globalId: string) {
    const id = Number(/^bc\/store\/webhook\/(\d+)$/.exec(globalId)?.[1]);
    return this.webhooksOf(storeHash, clientId).find((hook) => hook.id === id);
  }

  /** Removes a webhook; false when it does not exist for these credentials. */
  deleteWebhook(storeHash: string, clientId: string, globalId: string) {
    const hook = this.findWebhook(storeHash, clientId, globalId);
    if (!hook) return false;
    this.webhooks.splice(this.webhooks.indexOf(hook), 1);
    return true;
  }
}
