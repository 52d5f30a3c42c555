import { catalogScopes } from '../../shared/bigcommerce/scopes/index.js';

/**
 * Catalog scopes a payload can carry verbatim (channel scopes carry a number instead of `{channel_id}`).
 * A module of its own so that the peer's bundle carries the scope list and not the bench's sample records.
 */
export const benchScopes = catalogScopes.filter((scope) => !scope.includes('{channel_id}'));
