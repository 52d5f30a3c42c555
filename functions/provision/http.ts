import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { PreflightError } from '../../shared/bigcommerce/graphql/preflight.js';
import {
  ConflictError,
  messageOf,
  NotFoundError,
  PermanentError,
  TransientError,
} from '../../shared/errors.js';
import { ProvisionError } from '../../shared/provisioning/errors.js';
import { OperationInProgressError } from '../../shared/provisioning/lease.js';

/** A response the adapter returns early (bad body, unknown route), carried as an exception. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly type: string,
    message: string,
    readonly issues?: { field: string; message: string }[],
  ) {
    super(message);
  }
}

/** A JSON response. */
export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Parses a request body as JSON and validates it; 413 above `maxBytes`, 400 naming each bad field. */
export const parseBody = <S extends z.ZodMiniType>(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  schema: S,
  maxBytes: number,
): z.infer<S> => {
  const raw = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (raw.length > maxBytes) {
    throw new HttpError(413, 'PayloadTooLarge', `the body is ${raw.length} bytes; the limit is ${maxBytes}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'InvalidRequest', 'the body must be a JSON object');
  }
  return validate(schema, value, 'body');
};

/** Edit distance between two short strings (insertions, deletions, substitutions). */
const distance = (a: string, b: string) => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

/** The known key an unknown one was probably meant to be: same letters in another case, or a close typo. */
export const closestKey = (key: string, known: readonly string[]): string | undefined =>
  known.find((candidate) => candidate.toLowerCase() === key.toLowerCase()) ??
  known
    .map((candidate) => ({ candidate, far: distance(key.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ far }) => far <= 2)
    .sort((a, b) => a.far - b.far)[0]?.candidate;

const knownKeysOf = (schema: z.ZodMiniType): string[] =>
  'shape' in schema && typeof schema.shape === 'object' && schema.shape !== null
    ? Object.keys(schema.shape)
    : [];

/**
 * Validates `value` with `schema`; a 400 {@link HttpError} lists every bad field, and names each unknown
 * key of a strict object with the known key it was probably meant to be.
 */
export const validate = <S extends z.ZodMiniType>(schema: S, value: unknown, where: string): z.infer<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const known = knownKeysOf(schema);
  const issues = result.error.issues.flatMap((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : where;
    if (issue.code !== 'unrecognized_keys') return [{ field, message: issue.message }];
    return issue.keys.map((key) => {
      const near = issue.path.length === 0 ? closestKey(key, known) : undefined;
      const message = `unknown ${where === 'body' ? 'field' : 'parameter'} ${key}${near ? `; did you mean ${near}?` : ''}`;
      return { field: key, message };
    });
  });
  throw new HttpError(
    400,
    'InvalidRequest',
    `invalid ${where}: ${issues.map((i) => i.field).join(', ')}`,
    issues,
  );
};

/** The HTTP status that tells the caller what to do about a failed step. */
export const statusFor = (cause: unknown) => {
  if (cause instanceof TransientError) return 503;
  if (cause instanceof ConflictError) return 409;
  if (cause instanceof NotFoundError) return 404;
  if (cause instanceof PermanentError) return 502;
  return 500;
};

/** The response for any error: HTTP errors as they are, step failures with the entries done so far. */
export const errorResponse = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  if (error instanceof HttpError) {
    return json(error.statusCode, {
      error: { type: error.type, message: error.message, ...(error.issues && { issues: error.issues }) },
    });
  }
  const step = error instanceof ProvisionError ? error.step : undefined;
  const cause = error instanceof ProvisionError ? error.cause : error;
  const statusCode = statusFor(cause);
  // A transient failure, or a store busy with another run: calling again later is the fix.
  const retryable = cause instanceof TransientError || cause instanceof OperationInProgressError;
  const retryAfter = retryable
    ? String(Math.max(1, Math.ceil((cause.retryAfterMs ?? 5_000) / 1000)))
    : undefined;
  return json(
    statusCode,
    {
      error: {
        ...(step && { step }),
        type: cause instanceof Error ? cause.name : 'Error',
        message: messageOf(cause),
        retryable,
        // A preflight names each document and the type, field or argument the store's schema lacks.
        ...(cause instanceof PreflightError && { issues: cause.issues }),
      },
      entries: error instanceof ProvisionError ? error.entries : [],
    },
    retryAfter ? { 'retry-after': retryAfter } : {},
  );
};
