import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { toMessageAttributes } from '../aws/message-attributes.js';
import { type Clock, systemClock } from '../clock.js';
import { pacer } from './pace.js';
import { queueUrlOf } from './queues.js';
import { countInto, scopeOfBody } from './scopes.js';
import type { Judge, Verdict } from './verdict.js';

export interface RedriveOptions {
  /** The dead-letter queue to empty: name or URL. */
  from: string;
  /** The queue to move its messages back to: name or URL. */
  to: string;
  /** Only count the messages by scope and verdict; nothing is moved or deleted. */
  dryRun: boolean;
  /** The consumer's verdict on a message as the code is now ({@link createJudge}). */
  judge: Judge;
  /** Move the messages the consumer would reject again too (default: they stay on the DLQ). */
  includeInvalid?: boolean;
  /** Stop after moving (in a dry run: counting) this many messages (default: all). */
  max?: number;
  /** Move at most this many messages a second (default: as fast as SQS answers). */
  perSecond?: number;
  /** Time for `perSecond` (default: the system clock). */
  clock?: Clock;
  /**
   * How long a message received but not moved stays hidden (default 300 s): long enough that one pass
   * sees each message once, so a large DLQ is counted once; messages seen again after it are not counted twice.
   */
  visibilityTimeoutSeconds?: number;
  /**
   * Ends the run after the batch in hand, releasing what it holds (the CLI aborts on Ctrl-C): otherwise
   * the messages read but not moved would stay hidden for the visibility timeout.
   */
  signal?: AbortSignal;
  /** Long-poll wait of each receive (default 1 s, so that an empty answer means an empty queue). */
  waitTimeSeconds?: number;
}

/** How many messages of one scope the consumer would accept now, and how many it would reject again. */
export interface ScopeCounts {
  valid: number;
  invalid: number;
}

export interface RedriveReport {
  from: string;
  to: string;
  dryRun: boolean;
  /** Distinct messages received and judged. */
  seen: number;
  /** Messages now on `to` and gone from `from`. */
  moved: number;
  /** Seen messages by webhook scope, `(malformed)` and `(unknown)` included. */
  byScope: Record<string, ScopeCounts>;
  /** Seen messages by verdict: `handled`, `ignored:<reason>`, `rejected:<reason>`. */
  byVerdict: Record<string, number>;
  /** Messages that could not be sent to `to`; they stay on the DLQ. */
  failed: { messageId: string; reason: string }[];
}

const BATCH = 10;

const verdictKey = (verdict: Verdict) =>
  verdict.outcome === 'handled' ? 'handled' : `${verdict.outcome}:${verdict.reason}`;

/** Adds one message of `scope` to its valid or invalid count. */
const tally = (byScope: Record<string, ScopeCounts>, scope: string, valid: boolean) => {
  const counts = byScope[scope] ?? { valid: 0, invalid: 0 };
  counts[valid ? 'valid' : 'invalid'] += 1;
  byScope[scope] = counts;
};

const receive = (sqs: SQSClient, url: string, options: RedriveOptions, count: number) =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: count,
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 300,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageAttributeNames: ['All'],
      }),
    )
    .then((answer) => answer.Messages ?? []);

/** Makes messages received but not moved visible again at once. */
const release = async (sqs: SQSClient, url: string, messages: Message[]) => {
  for (let i = 0; i < messages.length; i += BATCH) {
    const entries = messages.slice(i, i + BATCH).map((message, n) => ({
      Id: String(n),
      ReceiptHandle: message.ReceiptHandle ?? '',
      VisibilityTimeout: 0,
    }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries }));
  }
};

/** Sends a batch to `to`, then deletes from `from` exactly the messages that were sent; returns those not sent. */
const move = async (sqs: SQSClient, from: string, to: string, batch: Message[], report: RedriveReport) => {
  const sent = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: to,
      Entries: batch.map((message, n) => ({
        Id: String(n),
        MessageBody: message.Body ?? '',
        ...(message.MessageAttributes && { MessageAttributes: message.MessageAttributes }),
      })),
    }),
  );
  const notSent = (sent.Failed ?? []).flatMap((entry) => {
    const message = batch[Number(entry.Id)];
    report.failed.push({
      messageId: message?.MessageId ?? String(entry.Id),
      reason: `${entry.Code ?? 'Error'}: ${entry.Message ?? 'no message'}`,
    });
    return message ?? [];
  });
  const moved = (sent.Successful ?? []).flatMap((entry) => batch[Number(entry.Id)] ?? []);
  const entries = moved.map((message, n) => ({ Id: String(n), ReceiptHandle: message.ReceiptHandle ?? '' }));
  if (entries.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: from, Entries: entries }));
  report.moved += moved.length;
  return notSent;
};

/**
 * Moves the messages of a dead-letter queue back to its queue after the fault that sent them there is
 * fixed, bodies and message attributes unchanged; a message is deleted from the DLQ only once the queue
 * holds it. Each message is first judged as the consumer would judge it now, and counted by scope as
 * valid or invalid; only valid ones move unless `includeInvalid`. Messages it does not move stay hidden
 * until the run ends (so each is seen once), then are made visible again. A run ends when the DLQ answers
 * empty, when more than a full pass brings only messages already seen, at `max`, or when `signal` aborts.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
export const redrive = async (sqs: SQSClient, options: RedriveOptions): Promise<RedriveReport> => {
  const from = await queueUrlOf(sqs, options.from);
  const to = await queueUrlOf(sqs, options.to);
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const report: RedriveReport = {
    ...{ from, to, dryRun: options.dryRun, seen: 0, moved: 0 },
    ...{ byScope: {}, byVerdict: {}, failed: [] },
  };
  const perBatch = options.perSecond ? Math.max(1, Math.min(BATCH, Math.floor(options.perSecond))) : BATCH;
  const pace = options.perSecond ? pacer(options.perSecond, options.clock ?? systemClock) : undefined;
  /** Received and not moved, by message id, with the latest receipt handle. */
  const held = new Map<string, Message>();
  const seen = new Set<string>();
  let repeats = 0;
  const done = () => (options.dryRun ? report.seen : report.moved);
  try {
    while (done() < max && !options.signal?.aborted) {
      const received = await receive(sqs, from, options, Math.min(perBatch, max - done()));
      if (received.length === 0) break;
      const fresh: Message[] = [];
      for (const message of received) {
        const id = message.MessageId ?? '';
        if (!seen.has(id)) fresh.push(message);
        else if (held.has(id)) held.set(id, message);
        seen.add(id);
      }
      repeats = fresh.length === 0 ? repeats + received.length : 0;
      if (fresh.length === 0 && repeats > seen.size) break;
      const toMove: Message[] = [];
      for (const message of fresh) {
        // The attributes say which transport carried the message: an HTTPS one is judged by them.
        const { consumer } = await options.judge({
          messageId: message.MessageId ?? '',
          body: message.Body ?? '',
          messageAttributes: toMessageAttributes(message.MessageAttributes),
        });
        tally(report.byScope, scopeOfBody(message.Body ?? ''), consumer.accepted);
        countInto(report.byVerdict, verdictKey(consumer));
        report.seen += 1;
        if (!options.dryRun && (consumer.accepted || options.includeInvalid)) toMove.push(message);
        else held.set(message.MessageId ?? '', message);
      }
      if (toMove.length === 0) continue;
      await pace?.(toMove.length);
      for (const message of await move(sqs, from, to, toMove, report))
        held.set(message.MessageId ?? '', message);
    }
  } finally {
    await release(sqs, from, [...held.values()]);
  }
  return report;
};
