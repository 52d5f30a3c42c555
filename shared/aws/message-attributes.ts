import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes } from 'aws-lambda';

/**
 * A message's attributes as ReceiveMessage returns them, in the shape Lambda's SQS event source mapping
 * hands them to a function: camel-cased, a binary value in base64, and the list fields always present and
 * empty (SQS has reserved them). The offline mapping feeds the consumer with it, and the operator tools
 * judge a received message with it, so both see a record as the deployed consumer does.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (the example event's messageAttributes)
 */
export const toMessageAttributes = (
  attributes: Record<string, MessageAttributeValue> = {},
): SQSMessageAttributes => {
  const shaped: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes)) {
    shaped[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
      ...(value.BinaryValue !== undefined && {
        binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
      }),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return shaped;
};
