import { messageOf, PermanentError, TransientError } from '../errors.js';

/** The fields every AWS SDK v3 service exception carries. */
interface AwsErrorShape {
  name: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

/**
 * AWS error codes worth retrying that can come with an HTTP 4xx: throttling, conflicts, timeouts and the
 * internal faults some services send as 400s. Any 5xx and a 429 are retried too ({@link isTransientAwsCode}).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'ProvisionedThroughputExceededException',
  'TransactionConflictException',
  'PriorRequestNotComplete',
  'InternalException',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ConcurrentModificationException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** True when an AWS error of type `code` answered with `status` may succeed if the call is made again. */
export const isTransientAwsCode = (code: string, status: number): boolean =>
  TRANSIENT_NAMES.has(code) || status === 429 || status >= 500;

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

const shapeOf = (error: unknown): AwsErrorShape | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as AwsErrorShape)
    : undefined;

/** True when `error` is the AWS service exception called `name` (e.g. `ResourceNotFoundException`). */
export const isAwsError = (error: unknown, name: string): boolean => shapeOf(error)?.name === name;

/** True when retrying the same AWS call later may succeed: throttling, server faults, timeouts, resets. */
export const isTransientAwsError = (error: unknown): boolean => {
  const shape = shapeOf(error);
  if (!shape) return false;
  const status = shape.$metadata?.httpStatusCode ?? 0;
  const code = (error as { code?: unknown }).code;
  return (
    isTransientAwsCode(shape.name, status) ||
    shape.$fault === 'server' ||
    shape.$retryable !== undefined ||
    (typeof code === 'string' && NETWORK_CODES.has(code))
  );
};

/**
 * Wraps an AWS SDK failure (after the SDK's own retries) as a {@link TransientError} or a
 * {@link PermanentError} whose message says which call failed and why.
 */
export const classifyAwsError = (error: unknown, call: string): TransientError | PermanentError => {
  const name = shapeOf(error)?.name ?? 'Error';
  const message = `${call} failed: ${name}: ${messageOf(error)}`;
  return isTransientAwsError(error)
    ? new TransientError(message, { cause: error })
    : new PermanentError(message, { cause: error });
};

/**
 * AWS's answers that our own credentials may not make the call: a missing grant in the deployment's role
 * (or its credentials), the same for every store. Validation errors are not here: the store's desired
 * state (its source name) is in the call, so they may be the store's.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html
 */
const AUTHORIZATION_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'AuthorizationErrorException',
  'NotAuthorized',
]);

/** True when `error` (or the AWS error it wraps, as {@link classifyAwsError} does) refused our own credentials. */
export const isAwsAuthorizationError = (error: unknown): boolean =>
  [error, error instanceof Error ? error.cause : undefined].some((candidate) =>
    AUTHORIZATION_NAMES.has(shapeOf(candidate)?.name ?? ''),
  );
