import {
  InternalException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../shared/aws/errors.js';
import { PermanentError, TransientError } from '../../../shared/errors.js';

const meta = { $metadata: { httpStatusCode: 400 } };

describe('AWS error classification', () => {
  it.each([
    ['ThrottlingException', new ThrottlingException({ message: 'Rate exceeded', ...meta }), TransientError],
    ['InternalException', new InternalException({ message: 'oops', ...meta }), TransientError],
    [
      'a 503 response',
      Object.assign(new Error('unavailable'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } }),
      TransientError,
    ],
    [
      'a connection reset',
      Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' }),
      TransientError,
    ],
    [
      'ResourceNotFoundException',
      new ResourceNotFoundException({ message: 'none', ...meta }),
      PermanentError,
    ],
    [
      'AccessDeniedException',
      Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $fault: 'client' }),
      PermanentError,
    ],
  ])('classifies %s', (_, error, kind) => {
    // Act
    const classified = classifyAwsError(error, 'PutRule');

    // Assess
    expect(classified).toBeInstanceOf(kind);
    expect(classified.message).toMatch(/^PutRule failed: /);
    expect(classified.cause).toBe(error);
  });
});
