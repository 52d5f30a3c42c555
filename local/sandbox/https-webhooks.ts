import { isSubscribableScope } from '../../shared/provisioning/scopes.js';
import { MAX_WEBHOOKS_PER_SCOPE, type SandboxState, type SandboxWebhook, type UnionError } from './state.js';

/**
 * `createHttpsWebhook`'s input. `scope` and `destination` are BigCommerce's documented fields
 * (reference §9); `isActive` and `headers` are guesses from REST's `POST /v3/hooks {scope, destination,
 * is_active, headers}`, with `headers` as a list of key/value pairs (GraphQL has no map type).
 */
export interface CreateHttpsWebhookInput {
  scope: string;
  destination: string;
  isActive?: boolean | null;
  headers?: { key: string; value: string }[] | null;
}

/** Header names a webhook may not set: the delivery's own (its signature, its body's type). */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why BigCommerce would refuse a destination, or undefined: it must be HTTPS on port 443 ("custom ports
 * are not currently supported"). The sandbox's one departure: plain HTTP to a loopback address on any
 * port, so the offline stack's ingress (serverless offline) can receive.
 */
export const destinationProblem = (destination: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return `destination ${destination} is not a URL`;
  }
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return undefined;
  if (url.protocol !== 'https:') return 'destination must be an https URL';
  if (url.port !== '' && url.port !== '443') return 'destination must be served on port 443';
  return undefined;
};

const validationError = (message: string): { error: UnionError } => ({
  error: { __typename: 'ValidationError', message },
});

/** Creates an HTTPS webhook in the sandbox's state, or says why BigCommerce would refuse it. */
export const createHttpsWebhook = (
  state: SandboxState,
  storeHash: string,
  clientId: string,
  input: CreateHttpsWebhookInput,
): { webhook: SandboxWebhook } | { error: UnionError } => {
  if (!isSubscribableScope(input.scope)) return validationError(`scope ${input.scope} is not a valid scope`);
  const problem = destinationProblem(input.destination);
  if (problem) return validationError(problem);
  const headers: Record<string, string> = {};
  for (const { key, value } of input.headers ?? []) {
    if (!/^[A-Za-z0-9-]{1,128}$/.test(key) || RESERVED_HEADERS.has(key.toLowerCase())) {
      return validationError(`header ${key} cannot be set on a webhook`);
    }
    headers[key.toLowerCase()] = value;
  }
  // BigCommerce's limits count every webhook of the scope, whatever its transport.
  const sameScope = state.webhooksOf(storeHash, clientId).filter((hook) => hook.scope === input.scope);
  if (sameScope.some((hook) => hook.destination === input.destination)) {
    return {
      error: {
        __typename: 'AlreadyExistsError',
        message: `a webhook for ${input.scope} to this destination exists`,
      },
    };
  }
  if (sameScope.length >= MAX_WEBHOOKS_PER_SCOPE) {
    return validationError(`at most ${MAX_WEBHOOKS_PER_SCOPE} webhooks per scope`);
  }
  const now = new Date().toISOString();
  const webhook: SandboxWebhook = {
    id: state.newId(),
    storeHash,
    clientId,
    scope: input.scope,
    destination: input.destination,
    isActive: input.isActive ?? true,
    createdAt: now,
    updatedAt: now,
    transport: 'https',
    headers,
  };
  state.webhooks.push(webhook);
  return { webhook };
};

/** True for a webhook whose events go over HTTPS (the others go to an EventBridge event source). */
export const isHttpsWebhook = (hook: SandboxWebhook) => hook.transport === 'https';
