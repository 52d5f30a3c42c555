import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.js';
import { queueUrlOf } from './queues.js';

export interface MoveTaskOptions {
  /** The dead-letter queue to empty: name or URL. */
  from: string;
  /** The queue to move its messages to: name or URL. */
  to: string;
  /** SQS's own rate limit for the task (1-500 a second; default: SQS chooses). */
  perSecond?: number;
}

/** A started move task: the DLQ's ARN is what ListMessageMoveTasks is asked about. */
export interface MoveTask {
  sourceArn: string;
  destinationArn: string;
  taskHandle: string;
}

/** The end of a move task as ListMessageMoveTasks last reported it. */
export interface MoveTaskResult {
  status: string;
  moved: number;
  toMove: number;
  failureReason?: string;
}

const arnOf = async (sqs: SQSClient, nameOrUrl: string) => {
  const QueueUrl = await queueUrlOf(sqs, nameOrUrl);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) throw new Error(`no ARN for queue ${nameOrUrl}`);
  return Attributes.QueueArn;
};

/**
 * Starts SQS's own redrive of a whole DLQ to `to` (bodies and attributes kept, nothing read by us): the
 * path when nothing is to be filtered. IAM: sqs:StartMessageMoveTask, sqs:GetQueueAttributes on the DLQ;
 * sqs:ReceiveMessage, sqs:DeleteMessage there and sqs:SendMessage on `to` (SQS acts as the caller).
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html
 */
export const startMoveTask = async (sqs: SQSClient, options: MoveTaskOptions): Promise<MoveTask> => {
  const sourceArn = await arnOf(sqs, options.from);
  const destinationArn = await arnOf(sqs, options.to);
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      DestinationArn: destinationArn,
      ...(options.perSecond !== undefined && { MaxNumberOfMessagesPerSecond: options.perSecond }),
    }),
  );
  if (!TaskHandle) throw new Error(`StartMessageMoveTask on ${sourceArn} returned no task handle`);
  return { sourceArn, destinationArn, taskHandle: TaskHandle };
};

const resultOf = (entry: ListMessageMoveTasksResultEntry): MoveTaskResult => ({
  status: entry.Status ?? 'UNKNOWN',
  moved: entry.ApproximateNumberOfMessagesMoved ?? 0,
  toMove: entry.ApproximateNumberOfMessagesToMove ?? 0,
  ...(entry.FailureReason && { failureReason: entry.FailureReason }),
});

/**
 * Waits for a move task to end, asking every `pollMs` (default 1 s). SQS lists the most recent tasks
 * first and runs one at a time per DLQ, and gives a task's handle only while it runs: so the task is the
 * newest one, and a running one with another handle means someone else's task.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasks.html
 */
export const waitForMoveTask = async (
  sqs: SQSClient,
  task: MoveTask,
  options: { clock: Clock; pollMs?: number },
): Promise<MoveTaskResult> => {
  for (;;) {
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: task.sourceArn, MaxResults: 1 }),
    );
    const newest = Results[0];
    if (!newest) throw new Error(`no move task listed for ${task.sourceArn}`);
    if (newest.TaskHandle && newest.TaskHandle !== task.taskHandle) {
      throw new Error(`another move task is running on ${task.sourceArn}`);
    }
    if (newest.Status !== 'RUNNING' && newest.Status !== 'CANCELLING') return resultOf(newest);
    await options.clock.sleep(options.pollMs ?? 1000);
  }
};
