import { NotFoundError, PermanentError } from '../../errors.js';

/**
 * BigCommerce answered 404: the resource was deleted after the event was sent (or never existed). A
 * handler may catch it and return, acknowledging the event.
 */
export class BigCommerceNotFoundError extends NotFoundError {
  override readonly name = 'BigCommerceNotFoundError';
  constructor(
    readonly storeHash: string,
    readonly path: string,
  ) {
    super(`store ${storeHash}: ${path} not found (HTTP 404)`);
  }
}

/** True when `error` is a 404 from BigCommerce: `catch (e) { if (isNotFound(e)) return; throw e; }`. */
export const isNotFound = (error: unknown): error is BigCommerceNotFoundError =>
  error instanceof BigCommerceNotFoundError;

/** BigCommerce refused the store's token (401/403) or none is stored: the record fails until someone fixes it. */
export class StoreAccessError extends PermanentError {
  override readonly name = 'StoreAccessError';
}

/** A call could not finish (or wait for a rate-limit window) before the invocation's deadline. */
export class OutOfTimeError extends Error {
  override readonly name = 'OutOfTimeError';
}

/** BigCommerce answered something the client cannot use (another 4xx, a body that is not JSON, GraphQL errors). */
export class BigCommerceRequestError extends PermanentError {
  override readonly name = 'BigCommerceRequestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
