import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { ssmTokenProvider } from '../../../shared/aws/ssm.js';
import { NotFoundError, TransientError } from '../../../shared/errors.js';

const TEMPLATE = '/bigcommerce-webhooks/dev/stores/{storeHash}/access-token';

describe('Token provider: SSM Parameter Store', () => {
  const ssm = mockClient(SSMClient);
  const tokens = ssmTokenProvider(new SSMClient({}), TEMPLATE);

  beforeEach(() => ssm.reset());

  it('reads the SecureString at the path of the store, decrypted', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'secret-token', Type: 'SecureString' } });

    // Act
    const token = await tokens('k7q2m9x4p1');

    // Assess
    expect(token).toBe('secret-token');
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/bigcommerce-webhooks/dev/stores/k7q2m9x4p1/access-token',
      WithDecryption: true,
    });
  });

  it('reports a store without a parameter as not found, and throttling as transient', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'not found', $metadata: {} }))
      .rejectsOnce(
        Object.assign(new Error('Rate exceeded'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
        }),
      );

    // Act
    const missing = tokens('unknown1');
    await expect(missing).rejects.toThrow(NotFoundError);
    const throttled = tokens('k7q2m9x4p1');

    // Assess
    await expect(throttled).rejects.toThrow(TransientError);
  });
});
