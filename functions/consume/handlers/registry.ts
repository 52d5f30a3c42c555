import * as categoryUpdated from './store/category/updated.js';
import * as orderCreated from './store/order/created.js';
import * as productAll from './store/product/_all.js';
import type { HandlerRegistry } from './types.js';

/**
 * Scope -> handler. The single source of truth for what the service listens to: provisioning subscribes
 * exactly these scopes by default. A module lives at the path of its scope under handlers/
 * (`store/order/created` -> store/order/created.ts; a family wildcard `store/product/*` -> store/product/_all.ts;
 * `{channel_id}` -> a folder named `[channel_id]`). The type checker rejects a handler registered under the
 * wrong scope.
 */
export const handlers = {
  'store/category/updated': categoryUpdated.handle,
  'store/order/created': orderCreated.handle,
  'store/product/*': productAll.handle,
} satisfies HandlerRegistry;
