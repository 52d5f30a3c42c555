import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Receives every message of the queue at `url`, ten at a time, until a receive comes back empty, with its
 * message attributes; each stays hidden for a minute after, as a consumer that took it. `waitTimeSeconds`
 * lets a long poll wait for messages still arriving.
 */
export const receiveAll = async (
  sqs: Pick<SQSClient, 'send'>,
  url: string,
  waitTimeSeconds = 0,
): Promise<Message[]> => {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitTimeSeconds,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
};
