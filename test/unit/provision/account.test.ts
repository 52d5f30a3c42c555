import { describe, expect, it } from 'vitest';
import { invokedFunctionOf } from '../../../functions/provision/api.js';
import { ConfigError } from '../../../shared/errors.js';

describe('Function: provision, its own account', () => {
  it('reads partition and account from the invoked function ARN first', () => {
    const arn = 'arn:aws-cn:lambda:cn-north-1:111122223333:function:provision';
    expect(invokedFunctionOf({ invokedFunctionArn: arn }, {}, 'cn-north-1', '444455556666')).toEqual({
      partition: 'aws-cn',
      account: '111122223333',
    });
  });

  it('falls back to the API Gateway request context, then to AWS_ACCOUNT_ID (serverless offline)', () => {
    const offline = { invokedFunctionArn: 'offline_invokedFunctionArn_for_provision' };
    expect(
      invokedFunctionOf(
        offline,
        { requestContext: { accountId: '210987654321' } },
        'us-east-1',
        '123456789012',
      ),
    ).toEqual({ partition: 'aws', account: '210987654321' });
    expect(
      invokedFunctionOf(
        offline,
        { requestContext: { accountId: 'offlineContext_accountId' } },
        'us-east-1',
        '123456789012',
      ),
    ).toEqual({ partition: 'aws', account: '123456789012' });
  });

  it('refuses to guess when nothing names a 12-digit account', () => {
    expect(() => invokedFunctionOf({}, {}, 'us-east-1')).toThrow(ConfigError);
  });
});
