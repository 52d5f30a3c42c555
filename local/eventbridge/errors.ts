/**
 * AWS JSON 1.1 service errors. The SDK turns `__type` into the exception class it throws, so a caller
 * catching `ResourceNotFoundException` from the real client sees the same class here as against AWS.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html
 */

/** An EventBridge error code as AWS names it in `__type`. */
export type AwsErrorCode =
  | 'ResourceNotFoundException'
  | 'ResourceAlreadyExistsException'
  | 'ValidationException'
  | 'InvalidEventPatternException'
  | 'InvalidStateException'
  | 'LimitExceededException'
  | 'ConcurrentModificationException'
  | 'ThrottlingException'
  | 'InternalException'
  | 'OperationDisabledException'
  | 'ServiceUnavailableException'
  | 'UnknownOperationException'
  | 'SerializationException';

/** An error the emulator answers with instead of a result: AWS's code, message and HTTP status. */
export class AwsError extends Error {
  override readonly name = 'AwsError';
  constructor(
    readonly code: AwsErrorCode,
    message: string,
    readonly statusCode: number = statusOf(code),
  ) {
    super(message);
  }
}

/** The HTTP status AWS uses for an error code: 5xx for its own failures, 400 for the caller's. */
export const statusOf = (code: string): number => {
  if (code === 'InternalException') return 500;
  if (code === 'ServiceUnavailableException') return 503;
  return 400;
};

/** Raised when a bus, rule or source does not exist, with AWS's wording. */
export const notFound = (message: string): AwsError => new AwsError('ResourceNotFoundException', message);

/** Raised for a request AWS would reject as malformed. */
export const invalid = (message: string): AwsError => new AwsError('ValidationException', message);
