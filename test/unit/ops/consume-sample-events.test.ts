import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalQueues, startQueues } from '../../../local/queues.js';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import { SANDBOX_ACCOUNTS, SANDBOX_TOKEN } from '../../../local/sandbox/stores.js';
import { readEnvelope } from '../../../shared/bigcommerce/transport-envelope.js';
import { queueNamesOf } from '../../../shared/ops/queues.js';
import { createJudge } from '../../../shared/ops/verdict.js';
import { fakeContext } from '../../helpers/context.js';
import { type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { loadEvent } from '../../helpers/load-event.js';

/** The HTTPS sample `serverless invoke local -f consume -p events/consume/store-order-created-https.json` runs. */
const sample = () => {
  const record = loadEvent('consume', 'store-order-created-https').Records[0];
  if (!record) throw new Error('the sample has no record');
  return record;
};

describe('Sample event: events/consume/store-order-created-https.json', () => {
  let queues: LocalQueues;
  let sqs: SQSClient;

  beforeEach(async () => {
    queues = await startQueues();
    sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: queues.url,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterEach(async () => {
    sqs.destroy();
    await queues.close();
  });

  it('is an HTTPS delivery the consumer handles', async () => {
    // Prepare
    const record = sample();
    const judge = createJudge({ eventSourceNamePrefix: 'bigcommerce-webhooks-dev' });

    // Act
    const read = readEnvelope(record, { sourceStoreOf: () => undefined });
    const { consumer } = await judge(record);

    // Assess
    expect(read).toMatchObject({ ok: true, envelope: { transport: 'https', storeHash: 'k7q2m9x4p1' } });
    expect(consumer).toEqual({
      accepted: true,
      outcome: 'handled',
      scope: 'store/order/created',
      handler: 'store/order/created',
    });
  });

  it('carries the digests SQS gives its body and attributes', async () => {
    // Prepare
    const record = sample();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueNamesOf('dev').queue }));
    const MessageAttributes = Object.fromEntries(
      Object.entries(record.messageAttributes).map(([name, value]) => [
        name,
        { DataType: value.dataType, StringValue: value.stringValue },
      ]),
    );

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: record.body, MessageAttributes }),
    );

    // Assess
    expect(sent.MD5OfMessageBody).toBe(record.md5OfBody);
    expect(sent.MD5OfMessageAttributes).toBe(record.md5OfMessageAttributes);
  });
});

describe('Function: consume (Lambda adapter) on the HTTPS sample event', () => {
  let dynamo: LocalDynamo;
  let sandbox: Sandbox;

  // The deployed entry point, configured from the environment as `serverless invoke local` runs it.
  beforeAll(async () => {
    dynamo = await startDynalite();
    const table = await dynamo.createDedupeTable();
    // The order handler fetches the order the event points at: the sandbox holds it.
    sandbox = await startSandbox({ accounts: SANDBOX_ACCOUNTS });
    sandbox.resources.recordFired('k7q2m9x4p1', 'store/order/created', { type: 'order', id: 250 });
    vi.stubEnv('BIGCOMMERCE_API_URL', sandbox.url);
    vi.stubEnv('BIGCOMMERCE_ACCESS_TOKEN', SANDBOX_TOKEN);
    vi.stubEnv('DEDUPE_TABLE_NAME', table);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo.stop();
    await sandbox.close();
  });

  it('acknowledges it with an empty failure list', async () => {
    // Prepare
    const { handler } = await import('../../../functions/consume/handler.js');

    // Act
    const response = await handler(loadEvent('consume', 'store-order-created-https'), fakeContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
  });
});
