import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import {
  ConflictError,
  messageOf,
  NotFoundError,
  PermanentError,
  TransientError,
} from '../../shared/errors.js';
import { ProvisionError } from '../../shared/provisioning/errors.js';

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
export const parseBody = <S extends z.ZodType>(
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

/** Validates `value` with `schema`; a 400 {@link HttpError} lists every bad field. */
export const validate = <S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : where,
    message: issue.message,
  }));
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
  const retryAfter =
    cause instanceof TransientError
      ? String(Math.max(1, Math.ceil((cause.retryAfterMs ?? 5_000) / 1000)))
      : undefined;
  return json(
    statusCode,
    {
      error: {
        ...(step && { step }),
        type: cause instanceof Error ? cause.name : 'Error',
        message: messageOf(cause),
        retryable: cause instanceof TransientError,
      },
      entries: error instanceof ProvisionError ? error.entries : [],
    },
    retryAfter ? { 'retry-after': retryAfter } : {},
  );
};
