import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { QueueRecord } from '../../functions/consume/consume.js';
import { toMessageAttributes } from '../aws/message-attributes.js';
import { INGRESS_ATTRIBUTES } from '../bigcommerce/ingress-message.js';
import type { ScopePattern } from '../bigcommerce/scopes/index.js';
import { bodyText, type CapturedFixture, fixtureText, NOTES, type Origin } from './fixture.js';
import { peek } from './peek.js';
import { queueUrlOf } from './queues.js';
import { createRedactor, type Redactor } from './redact.js';
import { MALFORMED, scopeOfBody, UNKNOWN } from './scopes.js';
import { comparableVerdict, createJudge, type Judge, type Verdict, type Verdicts } from './verdict.js';

export interface CaptureOptions {
  /** The queue to read: name or URL. */
  queue: string;
  /** Which of the service's queues that is, for the fixture. */
  from: 'queue' | 'dlq';
  /** Stop after this many messages. */
  max: number;
  /** The folder to write the fixtures to (created if missing); no existing file is overwritten. */
  outDir: string;
  /** Default: `sandbox` for a queue on this machine (the offline stack), else `bigcommerce`. */
  origin?: Origin;
  /** The deployed consumer's EVENT_SOURCE_NAME_PREFIX (`bigcommerce-webhooks-<stage>`). */
  eventSourceNamePrefix: string;
  /** The scopes to judge as handled (default: SUBSCRIBED_SCOPES, the consumer's). */
  subscribed?: readonly ScopePattern[];
  now?: () => Date;
  visibilityTimeoutSeconds?: number;
  waitTimeSeconds?: number;
}

export interface CapturedMessage {
  file: string;
  /** The redacted message id, as in the file. */
  messageId: string;
  verdict: Verdicts;
  /** Set when the original message got other verdicts than its redacted copy. */
  verdictBeforeRedaction?: Verdicts;
}

export interface CaptureReport {
  queueName: string;
  from: 'queue' | 'dlq';
  captured: CapturedMessage[];
  /** Messages SQS would not make visible again: they reappear after their visibility timeout. */
  unreleased: { messageId: string; reason: string }[];
  redacted: CapturedFixture['redacted'];
}

/** The SQS attributes a fixture keeps; the rest (receipt handle, MD5s, trace header) go. */
const KEPT_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SentTimestamp',
  'SenderId',
  'DeadLetterQueueSourceArn',
];

/** Where a queue's events come from, told by its URL: the offline stack's queues are on this machine. */
export const originOfQueueUrl = (url: string): Origin =>
  /^(127\.0\.0\.1|localhost|\[::1\])$/.test(new URL(url).hostname) ? 'sandbox' : 'bigcommerce';

const parse = (body: string): { json: unknown } | undefined => {
  try {
    return { json: JSON.parse(body) };
  } catch {
    return undefined;
  }
};

const learn = (redactor: Redactor, message: Message) => {
  redactor.learnId(message.MessageId ?? '');
  const sender = message.Attributes?.SenderId;
  if (sender !== undefined) redactor.learnId(sender);
  redactor.learn(message.Attributes?.DeadLetterQueueSourceArn ?? '');
  for (const [name, attribute] of Object.entries(message.MessageAttributes ?? {})) {
    const value = attribute.StringValue;
    if (value === undefined) continue;
    // An HTTPS message names its store and delivery in attributes alone when its body is not JSON.
    if (name === INGRESS_ATTRIBUTES.storeHash) redactor.learn({ storeHash: value });
    else if (name === INGRESS_ATTRIBUTES.webhookId) redactor.learnId(value);
    else redactor.learn(value);
  }
  const body = message.Body ?? '';
  const parsed = parse(body);
  if (parsed) redactor.learn(parsed.json);
  else redactor.learn(body);
};

const redactMessage = (redactor: Redactor, message: Message): CapturedFixture['message'] => {
  const body = message.Body ?? '';
  const parsed = parse(body);
  const attributes = Object.fromEntries(
    KEPT_ATTRIBUTES.flatMap((name) => {
      const value = message.Attributes?.[name as keyof Message['Attributes']];
      if (value === undefined) return [];
      return [[name, name === 'SenderId' ? redactor.id(value) : redactor.text(value)]];
    }),
  );
  const messageAttributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, attribute]) => [
      redactor.text(name),
      {
        DataType: attribute.DataType ?? 'String',
        ...(attribute.StringValue !== undefined && { StringValue: redactor.text(attribute.StringValue) }),
      },
    ]),
  );
  return {
    messageId: redactor.id(message.MessageId ?? ''),
    attributes,
    messageAttributes,
    body: parsed ? { json: redactor.redact(parsed.json) } : { text: redactor.text(body) },
  };
};

const redactVerdict = (redactor: Redactor, verdict: Verdict): Verdict =>
  verdict.outcome === 'rejected' ? { ...verdict, detail: redactor.text(verdict.detail) } : verdict;

const sameVerdicts = (a: Verdicts, b: Verdicts) =>
  isDeepStrictEqual(comparableVerdict(a.consumer), comparableVerdict(b.consumer)) &&
  isDeepStrictEqual(comparableVerdict(a.catalog), comparableVerdict(b.catalog));

/** A message redacted, with the verdicts on its redacted copy, and on the original when they differ. */
const judged = async (redactor: Redactor, judge: Judge, message: Message) => {
  const redacted = redactMessage(redactor, message);
  const verdictsOf = async (record: QueueRecord): Promise<Verdicts> => {
    const { consumer, catalog } = await judge(record);
    return { consumer: redactVerdict(redactor, consumer), catalog: redactVerdict(redactor, catalog) };
  };
  // Each copy is judged with its own attributes, in Lambda's shape: an HTTPS message is read by them.
  const verdict = await verdictsOf({
    messageId: redacted.messageId,
    body: bodyText(redacted.body),
    messageAttributes: toMessageAttributes(redacted.messageAttributes),
  });
  const before = await verdictsOf({
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    messageAttributes: toMessageAttributes(message.MessageAttributes),
  });
  return {
    message: redacted,
    verdict,
    ...(!sameVerdicts(before, verdict) && { verdictBeforeRedaction: before }),
  };
};

const slugOf = (body: string) => {
  const scope = scopeOfBody(body);
  if (scope === MALFORMED) return 'not-json';
  if (scope === UNKNOWN) return 'not-a-bigcommerce-event';
  return scope.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'event';
};

/**
 * Captures real events: reads up to `max` messages of a queue without consuming them (see {@link peek}),
 * redacts each consistently ({@link createRedactor}), judges it with the consumer's own processor
 * ({@link createJudge}) and writes it as a fixture to `outDir`, one JSON file per message.
 */
export const capture = async (
  sqs: Pick<SQSClient, 'send'>,
  options: CaptureOptions,
): Promise<CaptureReport> => {
  const url = await queueUrlOf(sqs as SQSClient, options.queue);
  const queueName = url.slice(url.lastIndexOf('/') + 1);
  const origin = options.origin ?? originOfQueueUrl(url);
  const { messages, unreleased } = await peek(sqs, url, {
    max: options.max,
    ...(options.visibilityTimeoutSeconds !== undefined && {
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    }),
    ...(options.waitTimeSeconds !== undefined && { waitTimeSeconds: options.waitTimeSeconds }),
  });

  const redactor = createRedactor({ eventSourceNamePrefix: options.eventSourceNamePrefix });
  // Every message is learned before any is written: a value seen in one redacts it in all.
  for (const message of messages) learn(redactor, message);
  const judge = createJudge({
    eventSourceNamePrefix: options.eventSourceNamePrefix,
    ...(options.subscribed && { subscribed: options.subscribed }),
  });
  const capturedAt = (options.now ?? (() => new Date()))();
  const stamp = capturedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  await mkdir(options.outDir, { recursive: true });

  const head = {
    origin,
    note: NOTES[origin],
    capturedAt: capturedAt.toISOString(),
    from: options.from,
    queueName: redactor.text(queueName),
    eventSourceNamePrefix: options.eventSourceNamePrefix,
  };
  const pending: { file: string; fixture: Omit<CapturedFixture, 'redacted'> }[] = [];
  for (const [n, message] of messages.entries()) {
    const name = `${stamp}-${String(n + 1).padStart(2, '0')}-${slugOf(message.Body ?? '')}.json`;
    pending.push({
      file: join(options.outDir, name),
      fixture: { ...head, ...(await judged(redactor, judge, message)) },
    });
  }

  const redacted = redactor.placeholders();
  const captured: CapturedMessage[] = [];
  for (const { file, fixture } of pending) {
    const { message, verdict, verdictBeforeRedaction, ...head } = fixture;
    const written: CapturedFixture = { ...head, redacted, message, verdict, verdictBeforeRedaction };
    await writeFile(file, fixtureText(written), { flag: 'wx' });
    captured.push({
      file,
      messageId: message.messageId,
      verdict,
      ...(verdictBeforeRedaction && { verdictBeforeRedaction }),
    });
  }
  return {
    queueName: redactor.text(queueName),
    from: options.from,
    captured,
    unreleased: unreleased.map(({ messageId, reason }) => ({
      messageId: redactor.id(messageId),
      reason: redactor.text(reason),
    })),
    redacted,
  };
};
