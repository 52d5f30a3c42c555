import type { SQSEvent } from 'aws-lambda';
import { sampleData, sampleEventBridgeEvent, samplePayload } from '../../shared/bigcommerce/samples.js';
import type { CatalogScope } from '../../shared/bigcommerce/scopes/index.js';
import { benchScopes } from './scopes.js';

const SOURCE = 'aws.partner/bigcommerce.com/test/4yk6pb824t53hirbuz5akdr652lpjb2/k7q2m9x4p1';

/** An SQS batch of `size` valid BigCommerce events cycling through the catalog's scopes. */
export const mixedBatch = (size: number, scopes: readonly CatalogScope[] = benchScopes): SQSEvent => ({
  Records: Array.from({ length: size }, (_, index) => {
    const scope = scopes[index % scopes.length] ?? 'store/order/created';
    const payload = samplePayload({ scope, data: sampleData(scope, index + 1), storeHash: 'k7q2m9x4p1' });
    const body = JSON.stringify(sampleEventBridgeEvent(payload, { source: SOURCE }));
    return {
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1764290000000',
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: '1764290000050',
      },
      messageAttributes: {},
      md5OfBody: '0',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:bigcommerce-webhooks-dev-events',
      awsRegion: 'us-east-1',
    };
  }),
});
