import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { EventBridgeSchema, SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas';
import type { Context, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { BigCommercePayloadSchema } from '../../shared/bigcommerce/envelope.js';
import { schemaOf } from '../../shared/bigcommerce/scopes/index.js';
import { benchScopes } from './records.js';

/**
 * What a user would write instead of this service's consumer: Powertools parser (SqsEnvelope-style record
 * schema + JSONStringified EventBridge event whose detail is a discriminated union of the same payload
 * schemas) inside a Powertools BatchProcessor, dispatching to a no-op.
 */
const [first, ...rest] = benchScopes.map((scope) =>
  z.object({ ...BigCommercePayloadSchema.shape, scope: z.literal(scope), data: schemaOf(scope) }),
);
if (!first) throw new Error('empty catalog');
const Detail = z.discriminatedUnion('scope', [first, ...rest]);
const RecordSchema = SqsRecordSchema.extend({
  body: JSONStringified(EventBridgeSchema.extend({ detail: Detail })),
});

const processor = new BatchProcessor(EventType.SQS, { parser, schema: RecordSchema });
const noop = async () => undefined;

export const peerHandler = (event: SQSEvent, context: Context) =>
  processPartialResponse(event, noop, processor, { context, throwOnFullBatchFailure: false });
