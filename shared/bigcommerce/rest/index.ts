/** The handler-facing BigCommerce client: its interface, errors and resource types. */

export {
  BigCommerceNotFoundError,
  BigCommerceRequestError,
  isNotFound,
  OutOfTimeError,
  StoreAccessError,
} from './errors.js';
export type * from './resources.js';
export type { BigCommerceClient, HttpMethod, RestRequest } from './types.js';
