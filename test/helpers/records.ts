import { sampleData, sampleEventBridgeEvent, samplePayload } from '../../shared/bigcommerce/samples.js';
import type { CatalogScope } from '../../shared/bigcommerce/scopes/index.js';

export const SOURCE = 'aws.partner/bigcommerce.com/test/4yk6pb824t53hirbuz5akdr652lpjb2/k7q2m9x4p1';
export const STORE_HASH = 'k7q2m9x4p1';

let sequence = 0;

/** An SQS record whose body is the EventBridge event BigCommerce would send for `scope`. */
export const recordFor = (scope: string, data: unknown = sampleData(scope as CatalogScope)) => {
  sequence += 1;
  const payload = samplePayload({ scope, data, storeHash: STORE_HASH, createdAt: 1764290000 + sequence });
  return {
    messageId: `message-${sequence}`,
    body: JSON.stringify(sampleEventBridgeEvent(payload, { source: SOURCE })),
  };
};

/** An SQS record carrying an arbitrary body. */
export const rawRecord = (body: string) => {
  sequence += 1;
  return { messageId: `message-${sequence}`, body };
};
