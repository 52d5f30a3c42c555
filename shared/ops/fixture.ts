import * as z from 'zod/mini';
import type { QueueRecord } from '../../functions/consume/consume.js';
import { toMessageAttributes } from '../aws/message-attributes.js';
import { VerdictsSchema } from './verdict.js';

/**
 * Where a fixture's event was made: `bigcommerce`, read from a deployed queue (BigCommerce's own event, the
 * evidence we lack), or `sandbox`, read from the offline stack (the sandbox's event, built from our guess).
 */
export const OriginSchema = z.enum(['bigcommerce', 'sandbox']);
export type Origin = z.infer<typeof OriginSchema>;

/** A body as captured: parsed JSON when it is JSON (easier to read), else its text. */
const BodySchema = z.union([z.object({ json: z.unknown() }), z.object({ text: z.string() })]);

/**
 * One captured queue message, redacted, with the consumer's verdicts on it at capture time; what
 * `npm run capture` writes to events/captured/ and the consumer's tests read back.
 *
 * @example
 * {
 *   "origin": "sandbox",
 *   "note": "Made by the offline stack's BigCommerce sandbox ...",
 *   "capturedAt": "2026-12-01T10:00:00.000Z",
 *   "from": "queue",
 *   "queueName": "bigcommerce-webhooks-dev-events",
 *   "eventSourceNamePrefix": "bigcommerce-webhooks-dev",
 *   "redacted": { "storeHash": ["s000000001"], "uuid": ["00000000-0000-4000-8000-000000000001"] },
 *   "message": { "messageId": "00000000-0000-4000-8000-000000000001", "attributes": {}, "messageAttributes": {}, "body": { "json": {} } },
 *   "verdict": { "consumer": { "accepted": true, "outcome": "handled", "scope": "store/order/created", "handler": "store/order/created" }, "catalog": { ... } }
 * }
 */
export const CapturedFixtureSchema = z.object({
  origin: OriginSchema,
  note: z.string(),
  capturedAt: z.string(),
  from: z.enum(['queue', 'dlq']),
  queueName: z.string(),
  /** The consumer's EVENT_SOURCE_NAME_PREFIX at capture: which sources name a store (the producer check). */
  eventSourceNamePrefix: z.string(),
  /** The placeholders the capture run handed out, by kind: each stands for a redacted value. */
  redacted: z.record(z.string(), z.array(z.string())),
  message: z.object({
    messageId: z.string(),
    attributes: z.record(z.string(), z.string()),
    messageAttributes: z.record(
      z.string(),
      z.object({ DataType: z.string(), StringValue: z.optional(z.string()) }),
    ),
    body: BodySchema,
  }),
  /** The verdicts on the message as written here (redacted), at capture time. */
  verdict: VerdictsSchema,
  /** Present only when the original message got other verdicts than its redacted copy: redaction changed it. */
  verdictBeforeRedaction: z.optional(VerdictsSchema),
});
export type CapturedFixture = z.infer<typeof CapturedFixtureSchema>;

export const NOTES: Record<Origin, string> = {
  bigcommerce:
    'Read from a deployed queue: the event as BigCommerce and EventBridge delivered it, identifying values redacted.',
  sandbox:
    "Made by the offline stack's BigCommerce sandbox, not by BigCommerce: it shows our guess of the event " +
    '(shared/bigcommerce/envelope.ts), so it proves only that the consumer matches that guess.',
};

/** The body text the consumer would receive for a fixture's body. */
export const bodyText = (body: CapturedFixture['message']['body']): string =>
  'text' in body ? body.text : JSON.stringify(body.json);

/** The queue record a fixture stands for, as the consumer reads it. */
export const recordOf = (fixture: CapturedFixture): QueueRecord => ({
  messageId: fixture.message.messageId,
  body: bodyText(fixture.message.body),
  // An HTTPS delivery is told by its attributes (transport, webhook-id, store-hash), as the consumer reads it.
  messageAttributes: toMessageAttributes(fixture.message.messageAttributes),
});

const LINE_WIDTH = 110;

const render = (value: unknown, indent: string, head: string, tail: string): string => {
  if (Array.isArray(value) && value.length > 0) {
    const scalars = value.every((item) => item === null || typeof item !== 'object');
    const inline = `${indent}${head}[${value.map((item) => JSON.stringify(item)).join(', ')}]${tail}`;
    if (scalars && inline.length <= LINE_WIDTH) return inline;
    const items = value.map((item, n) => render(item, `${indent}  `, '', n < value.length - 1 ? ',' : ''));
    return `${indent}${head}[\n${items.join('\n')}\n${indent}]${tail}`;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return `${indent}${head}{}${tail}`;
    const lines = entries.map(([key, item], n) =>
      render(item, `${indent}  `, `${JSON.stringify(key)}: `, n < entries.length - 1 ? ',' : ''),
    );
    return `${indent}${head}{\n${lines.join('\n')}\n${indent}}${tail}`;
  }
  return `${indent}${head}${JSON.stringify(value)}${tail}`;
};

/**
 * A fixture as JSON text laid out as the project's formatter (Biome, line width 110) lays out JSON, so a
 * captured file passes `npm run lint` as written: objects one key per line, arrays of scalars on one line
 * when they fit.
 */
export const fixtureText = (fixture: CapturedFixture): string => `${render(fixture, '', '', '')}\n`;
