import type { SUBSCRIBED_SCOPES } from '../../../shared/bigcommerce/scopes/subscribed.js';
import * as appUninstalled from './store/app/uninstalled.js';
import * as categoryUpdated from './store/category/updated.js';
import * as orderCreated from './store/order/created.js';
import * as productAll from './store/product/_all.js';
import type { RegistryOf } from './types.js';

/**
 * Scope -> handler, for exactly the scopes of SUBSCRIBED_SCOPES (shared/bigcommerce/scopes/subscribed.ts),
 * which is what provisioning subscribes by default: a handler registered under a scope missing from that
 * list, or a listed scope with no handler here, does not compile. A module lives at the path of its scope
 * under handlers/ (`store/order/created` -> store/order/created.ts; a family wildcard `store/product/*` ->
 * store/product/_all.ts; `{channel_id}` -> a folder named `[channel_id]`). The type checker rejects a
 * handler registered under the wrong scope. `npm run new-handler -- <scope>` writes a module and adds it
 * here and to SUBSCRIBED_SCOPES, sorted by scope; keep that shape (imports by path, entries by scope).
 */
export const handlers = {
  // Built in (README, "Operating it"): marks the store for teardown by the scheduled reconcile.
  'store/app/uninstalled': appUninstalled.handle,
  'store/category/updated': categoryUpdated.handle,
  'store/order/created': orderCreated.handle,
  'store/product/*': productAll.handle,
} satisfies RegistryOf<typeof SUBSCRIBED_SCOPES>;
