import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../shared/clock.js';
import { type MoveTask, startMoveTask, waitForMoveTask } from '../../../shared/ops/move-task.js';

const ARN = 'arn:aws:sqs:us-east-1:123456789012:bigcommerce-webhooks-dev-events';
const DLQ_ARN = `${ARN}-dlq`;
const URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/bigcommerce-webhooks-dev-events';
const task: MoveTask = { sourceArn: DLQ_ARN, destinationArn: ARN, taskHandle: 'handle-1' };

/** A clock that records each sleep and moves only then. */
const fakeClock = () => {
  const slept: number[] = [];
  const clock: Clock = {
    now: () => slept.reduce((a, b) => a + b, 0),
    sleep: async (ms) => void slept.push(ms),
  };
  return { clock, slept };
};

describe('Function: SQS message move task', () => {
  const sqs = mockClient(SQSClient);
  const client = new SQSClient({ region: 'us-east-1' });

  beforeEach(() => sqs.reset());

  it('starts a task from the DLQ to the queue by ARN with the rate limit asked for', async () => {
    // Prepare
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: `${URL}-dlq` })
      .resolves({ Attributes: { QueueArn: DLQ_ARN } })
      .on(GetQueueAttributesCommand, { QueueUrl: URL })
      .resolves({ Attributes: { QueueArn: ARN } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'handle-1' });

    // Act
    const started = await startMoveTask(client, { from: `${URL}-dlq`, to: URL, perSecond: 50 });

    // Assess
    expect(started).toEqual(task);
    expect(sqs).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: DLQ_ARN,
      DestinationArn: ARN,
      MaxNumberOfMessagesPerSecond: 50,
    });
  });

  it('polls while the task runs and reports how it ended', async () => {
    // Prepare
    const running = { TaskHandle: 'handle-1', Status: 'RUNNING', ApproximateNumberOfMessagesToMove: 9 };
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ ...running, ApproximateNumberOfMessagesMoved: 3 }] })
      .resolvesOnce({ Results: [{ ...running, ApproximateNumberOfMessagesMoved: 6 }] })
      .resolves({
        Results: [
          { Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 9, ApproximateNumberOfMessagesToMove: 9 },
        ],
      });
    const { clock, slept } = fakeClock();

    // Act
    const result = await waitForMoveTask(client, task, { clock, pollMs: 500 });

    // Assess
    expect(result).toEqual({ status: 'COMPLETED', moved: 9, toMove: 9 });
    expect(slept).toEqual([500, 500]);
    expect(sqs).toHaveReceivedCommandWith(ListMessageMoveTasksCommand, { SourceArn: DLQ_ARN });
  });

  it('reports why a task failed', async () => {
    // Prepare
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'FAILED', FailureReason: 'AWS.SimpleQueueService.NonExistentQueue' }],
    });

    // Act
    const result = await waitForMoveTask(client, task, fakeClock());

    // Assess
    expect(result).toEqual({
      status: 'FAILED',
      moved: 0,
      toMove: 0,
      failureReason: 'AWS.SimpleQueueService.NonExistentQueue',
    });
  });

  it("refuses to report on a running task that is someone else's", async () => {
    // Prepare
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolves({ Results: [{ TaskHandle: 'handle-2', Status: 'RUNNING' }] });

    // Act
    const waiting = waitForMoveTask(client, task, fakeClock());

    // Assess
    await expect(waiting).rejects.toThrow(/another move task is running/);
  });
});
