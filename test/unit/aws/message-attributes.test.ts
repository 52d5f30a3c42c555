import { describe, expect, it } from 'vitest';
import { toMessageAttributes } from '../../../shared/aws/message-attributes.js';
import { ingressMessageOf } from '../../../shared/bigcommerce/ingress-message.js';
import { samplePayload } from '../../../shared/bigcommerce/samples.js';
import { readEnvelope } from '../../../shared/bigcommerce/transport-envelope.js';
import { STORE_HASH } from '../../helpers/records.js';

describe('Function: toMessageAttributes', () => {
  it("gives ReceiveMessage's attributes Lambda's shape: camel case, binary in base64, empty list fields", () => {
    // Act
    const shaped = toMessageAttributes({
      seq: { DataType: 'Number', StringValue: '7' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([0xde, 0xad, 0xbe, 0xef]) },
    });

    // Assess
    expect(shaped).toEqual({
      seq: { dataType: 'Number', stringValue: '7', stringListValues: [], binaryListValues: [] },
      blob: { dataType: 'Binary', binaryValue: '3q2+7w==', stringListValues: [], binaryListValues: [] },
    });
  });

  it('gives a message without attributes none', () => {
    // Act & Assess
    expect(toMessageAttributes(undefined)).toEqual({});
  });

  it("lets the consumer's envelope read an ingress message as an HTTPS delivery", () => {
    // Prepare
    const payload = samplePayload({
      scope: 'store/order/created',
      data: { type: 'order', id: 1 },
      storeHash: STORE_HASH,
      createdAt: 1764290000,
    });
    const message = ingressMessageOf({
      rawBody: JSON.stringify(payload),
      webhookId: 'bc/1',
      storeHash: STORE_HASH,
    });

    // Act
    const read = readEnvelope(
      { body: message.MessageBody, messageAttributes: toMessageAttributes(message.MessageAttributes) },
      { sourceStoreOf: () => undefined },
    );

    // Assess
    expect(read).toMatchObject({
      ok: true,
      envelope: { transport: 'https', webhookId: 'bc/1', storeHash: STORE_HASH },
    });
  });
});
