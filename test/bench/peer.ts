import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { EventBridgeSchema, SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { BigCommercePayloadSchema } from '../../shared/bigcommerce/envelope.js';
import { schemaOf } from '../../shared/bigcommerce/scopes/index.js';
import { benchScopes } from './scopes.js';

const [first, ...rest] = benchScopes.map((scope) =>
  z.object({ ...BigCommercePayloadSchema.shape, scope: z.literal(scope), data: schemaOf(scope) }),
);
if (!first) throw new Error('empty catalog');

/**
 * The SQS record as the peer parses it: Powertools' record schema whose body is a JSONStringified
 * EventBridge event, its detail a discriminated union of the same payload schemas as ours, one per scope.
 *
 * @example
 * { "messageId": "m-0", "body": "{\"detail-type\":\"bigCommerceWebhook\",\"detail\":{\"scope\":\"store/order/created\",...}}", ... }
 */
export const PeerRecordSchema = SqsRecordSchema.extend({
  body: JSONStringified(
    EventBridgeSchema.extend({ detail: z.discriminatedUnion('scope', [first, ...rest]) }),
  ),
});

export type PeerRecord = z.infer<typeof PeerRecordSchema>;

/**
 * What a user would write instead of this service's consumer: the Powertools parser inside a Powertools
 * BatchProcessor (partial failures, records in parallel), each parsed record handed to `recordHandler`.
 * The throughput bench gives it a no-op; the cold-start bench wraps that no-op in Powertools idempotency.
 */
export const createPeerHandler = (recordHandler: (record: PeerRecord) => Promise<unknown>) => {
  const processor = new BatchProcessor(EventType.SQS, { parser, schema: PeerRecordSchema });
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
