import * as z from 'zod/mini';
import { family, Id, idOnly, lazy } from './data.js';

const CompanyId = lazy(() => idOnly('company_id'));

/** B2B Edition scopes. @see https://developer.bigcommerce.com/docs/integrations/webhooks/events/b2b-edition */
export const b2bScopes = {
  ...family('store/company', ['created', 'updated', 'deleted', 'statusUpdated'], CompanyId),
  'store/company/superadmin/assignmentUpdated': CompanyId,
  ...family(
    'store/company/user',
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(CompanyId(), { user_id: Id })),
  ),
  ...family(
    'store/company/address',
    ['created', 'updated', 'deleted'],
    lazy(() => z.extend(CompanyId(), { address_id: Id })),
  ),
  ...family(
    'store/superadmin',
    ['created', 'updated', 'deleted', 'assignmentUpdated'],
    lazy(() => idOnly('user_id')),
  ),
  ...family(
    'store/quote',
    ['created', 'updated', 'statusUpdated', 'deleted'],
    lazy(() => idOnly('quote_id')),
  ),
} as const;
