import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEventSourceMapping } from '../../local/event-source-mapping.js';
import { type LocalQueues, startQueues } from '../../local/queues.js';
import { until } from '../helpers/until.js';

/** The knob the soak turns: several batches in flight at once, as Lambda's SQS pollers run them. */
describe('Local event source mapping: concurrency', () => {
  let queues: LocalQueues;
  let sqs: SQSClient;

  beforeEach(async () => {
    queues = await startQueues({ visibilityTimeoutSeconds: 30 });
    sqs = new SQSClient({ endpoint: queues.url, region: 'us-east-1' });
  });
  afterEach(async () => {
    sqs.destroy();
    await queues.close();
  });

  const invocations = async (concurrency: number | undefined) => {
    // Prepare: 50 messages (5 batches); each invocation holds until the test releases it, so batches pile up.
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queues.queueName }));
    for (let start = 0; start < 50; start += 10)
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, index) => ({
            Id: String(index),
            MessageBody: `m${start + index}`,
          })),
        }),
      );
    const held: (() => void)[] = [];
    const received: SQSEvent[] = [];
    const gate = { open: false, inFlight: 0, maxInFlight: 0 };
    const mapping = await startEventSourceMapping({
      sqs,
      queueName: queues.queueName,
      batchSize: 10,
      concurrency,
      invoke: async (event) => {
        received.push(event);
        gate.inFlight += 1;
        gate.maxInFlight = Math.max(gate.maxInFlight, gate.inFlight);
        if (!gate.open) await new Promise<void>((resolve) => held.push(resolve));
        gate.inFlight -= 1;
        return { batchItemFailures: [] };
      },
    });
    const releaseAll = () => {
      gate.open = true;
      for (const release of held) release();
    };
    return { mapping, received, releaseAll, gate };
  };

  it('runs up to `concurrency` batches at once, and stops with every poller', async () => {
    // Act
    const { mapping, received, releaseAll, gate } = await invocations(3);
    await until(() => received.length === 3);
    releaseAll();
    await until(() => received.flatMap((event) => event.Records).length >= 50);
    await mapping.stop();

    // Assess
    const bodies = received.flatMap((event) => event.Records.map((record) => record.body));
    expect(new Set(bodies).size).toBe(50);
    expect(gate.maxInFlight).toBe(3);
  });
});
