import { describe, expect, it } from 'vitest';
import { createProvisionApiDeps } from '../../../functions/provision/deps.js';
import { loadProvisionConfig } from '../../../shared/config.js';
import { fakeContext } from '../../helpers/context.js';

const quiet = () => undefined;
const logger = { debug: quiet, info: quiet, warn: quiet, error: quiet, child: () => logger };

const configIn = (region: string) =>
  loadProvisionConfig({
    AWS_REGION: region,
    AWS_ACCOUNT_ID: '111122223333',
    BIGCOMMERCE_CLIENT_ID: '4yk6pb824t53hirbuz5akdr652lpjb2',
    BIGCOMMERCE_ACCESS_TOKEN: 'local-token',
    WEBHOOK_QUEUE_NAME: 'bigcommerce-webhooks-dev-events',
    WEBHOOK_DLQ_NAME: 'bigcommerce-webhooks-dev-events-dlq',
    STORES_TABLE_NAME: 'bigcommerce-webhooks-dev-stores',
  });

describe('Function: provision, its own account', () => {
  it("builds the chain in the configured account and the region's partition, whatever the context says", () => {
    // Prepare: a context whose function ARN names another account, as serverless offline's names none
    const context = {
      ...fakeContext('bigcommerce-webhooks-dev-provision'),
      invokedFunctionArn: 'offline_invokedFunctionArn_for_provision',
    };

    // Act
    const settings = createProvisionApiDeps(configIn('cn-north-1'), [], logger).settingsFor(context);

    // Assess
    expect(settings).toMatchObject({
      awsAccount: '111122223333',
      region: 'cn-north-1',
      queueArn: 'arn:aws-cn:sqs:cn-north-1:111122223333:bigcommerce-webhooks-dev-events',
      deadLetterQueueArn: 'arn:aws-cn:sqs:cn-north-1:111122223333:bigcommerce-webhooks-dev-events-dlq',
    });
  });
});
