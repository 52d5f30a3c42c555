import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import '../bigcommerce/messages.js';
import {
  type BigCommercePayload,
  BigCommercePayloadSchema,
  describeIssues,
  storeHashOf,
} from '../bigcommerce/envelope.js';
import {
  type IngressMessage,
  ingressMessageOf,
  MAX_WEBHOOK_ID_LENGTH,
  STORE_HASH_PATTERN,
} from '../bigcommerce/ingress-message.js';
import type { EnvelopeRejection } from '../bigcommerce/transport-envelope.js';
import { messageOf } from '../errors.js';
import type { LogSink } from '../logger.js';
import { type ClientSecretSource, ClientSecretUnavailableError } from './secret.js';

/**
 * SQS's message size limit (256 KiB, counting the body and every attribute's name, type and value) less
 * 1 KiB for the ingress message's three attributes (at most ~370 bytes with a {@link MAX_WEBHOOK_ID_LENGTH}
 * id), so every body the ingress accepts fits one message. BigCommerce's payloads are "light" (ids, not
 * resources): a few hundred bytes.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
 */
export const MAX_BODY_BYTES = 256 * 1024 - 1024;

/** One POST to `/webhooks/{storeHash}`, as the adapter read it from API Gateway. */
export interface IngressRequest {
  /** The `{storeHash}` path segment. */
  storeHash: string | undefined;
  /** Header names lower-cased, as the HTTP API (payload format 2.0) hands them over. */
  headers: Record<string, string | undefined>;
  /** The body's exact bytes (base64-decoded when API Gateway encoded it). */
  body: Buffer;
}

export interface IngressResponse {
  statusCode: 200 | 400 | 401 | 413 | 503;
  body: { received: string } | { error: { type: string; message: string } };
}

export interface IngressDeps {
  secret: ClientSecretSource;
  /** Sends one message to the service's queue; resolves only once SQS has accepted it. */
  send(message: IngressMessage): Promise<void>;
  logger: LogSink;
  /** Default {@link MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  /** Epoch milliseconds (default `Date.now`): paces the re-reads of a secret that may have been rotated. */
  now?: () => number;
}

/**
 * At most one re-read of the client secret per this long, when a signature does not verify with the
 * cached one: a rotated secret takes effect at once, and forged requests cannot make SSM calls faster.
 */
export const SECRET_REFRESH_INTERVAL_MS = 60_000;

const refused = (statusCode: 400 | 401 | 413 | 503, type: string, message: string): IngressResponse => ({
  statusCode,
  body: { error: { type, message } },
});

// ignoreBOM keeps a byte order mark in the text (the default strips it), so the queued body is the bytes
// that were signed (JSON.parse refuses it, as RFC 8259 lets a parser do: the consumer rejects it).
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A character SQS does not take in a message body: it allows #x9, #xA, #xD, #x20 to #xD7FF, #xE000 to
 * #xFFFD and #x10000 to #x10FFFF.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
const NOT_SQS_TEXT = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** How much of an unverified `webhook-id` a log line carries: anyone can send one, of any length. */
export const UNVERIFIED_ID_LOG_LENGTH = 64;

/**
 * The log keys of a request not yet verified, whose every header and path segment anyone may have
 * written: the store hash only if it is one (its length otherwise), the webhook-id cut short.
 */
const unverifiedKeys = (storeHash: string, webhookId: string | undefined) => ({
  ...(STORE_HASH_PATTERN.test(storeHash) ? { storeHash } : { storeHashLength: storeHash.length }),
  ...(webhookId !== undefined && { webhookId: webhookId.slice(0, UNVERIFIED_ID_LOG_LENGTH) }),
});

/**
 * Whether a signed body is what the consumer accepts: a BigCommerce payload (JSON, the payload schema)
 * whose producer is the store of the URL, with the consumer's reason for refusing it when not
 * (shared/bigcommerce/transport-envelope.ts gives the same reasons).
 */
const checkPayload = (
  rawBody: string,
  storeHash: string,
): { payload: BigCommercePayload } | { reason: EnvelopeRejection['reason']; detail: string } => {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch (error) {
    return { reason: 'malformed-json', detail: messageOf(error) };
  }
  const parsed = BigCommercePayloadSchema.safeParse(json);
  if (!parsed.success) return { reason: 'not-a-bigcommerce-event', detail: describeIssues(parsed.error) };
  if (storeHashOf(parsed.data) !== storeHash) {
    return {
      reason: 'producer-mismatch',
      detail: `producer ${parsed.data.producer} is not the store of this URL, ${storeHash}`,
    };
  }
  return { payload: parsed.data };
};

/**
 * The ingress for BigCommerce's HTTPS webhooks: checks the size, the Standard Webhooks signature (against
 * the app's client secret, base64-encoded as BigCommerce's docs do) and its timestamp (the library's
 * tolerance, 5 minutes either way), then sends the body as it came to the queue, with a warning when it is
 * not a BigCommerce payload produced by the store of the URL (the consumer will reject it into the
 * dead-letter queue). 200 only once SQS has the message; 503 when the secret or the queue is out of
 * reach, so BigCommerce delivers it again. No other work: BigCommerce blocklists a slow destination.
 * @see https://developer.bigcommerce.com/docs/integrations/webhooks#signatures (reference §9)
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const createIngress = (deps: IngressDeps) => {
  const maxBodyBytes = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  // One verifier per secret value: a rotated secret makes a new one, the old one is dropped.
  let verifier: { secret: string; webhook: Webhook } | undefined;
  const verifierFor = (secret: string) => {
    if (verifier?.secret !== secret) {
      verifier = { secret, webhook: new Webhook(Buffer.from(secret, 'utf8').toString('base64')) };
    }
    return verifier.webhook;
  };

  const now = deps.now ?? Date.now;
  let lastRefresh = Number.NEGATIVE_INFINITY;
  const headersOf = (request: IngressRequest) => ({
    'webhook-id': request.headers['webhook-id'] ?? '',
    'webhook-timestamp': request.headers['webhook-timestamp'] ?? '',
    'webhook-signature': request.headers['webhook-signature'] ?? '',
  });
  /** Verifies with the cached secret, then, on a signature mismatch only, once with a fresh read of it. */
  const verify = async (request: IngressRequest, secret: string) => {
    try {
      verifierFor(secret).verify(request.body, headersOf(request), { jsonParse: false });
    } catch (error) {
      const mismatch =
        error instanceof WebhookVerificationError && error.message === 'No matching signature found';
      if (!mismatch || !deps.secret.refresh || now() - lastRefresh < SECRET_REFRESH_INTERVAL_MS) throw error;
      lastRefresh = now();
      const fresh = await deps.secret.refresh();
      try {
        if (fresh === secret) throw error;
        verifierFor(fresh).verify(request.body, headersOf(request), { jsonParse: false });
      } catch (stillFailing) {
        // At most one line a minute (the refresh's pace): the sign that every delivery is refused, as with
        // a secret BigCommerce does not sign with, without a line per forged request.
        deps.logger.warn(
          'a signature verifies with neither the cached nor a fresh read of the client secret',
          {
            ...unverifiedKeys(request.storeHash?.toLowerCase() ?? '', request.headers['webhook-id']),
            secretChanged: fresh !== secret,
            nextRefreshInMs: SECRET_REFRESH_INTERVAL_MS,
          },
        );
        throw stillFailing;
      }
    }
  };

  return async (request: IngressRequest): Promise<IngressResponse> => {
    const storeHash = request.storeHash?.toLowerCase() ?? '';
    const webhookId = request.headers['webhook-id'];
    const unverified = unverifiedKeys(storeHash, webhookId);
    const line = (response: IngressResponse) =>
      'error' in response.body
        ? { statusCode: response.statusCode, reason: response.body.error.type, bytes: request.body.length }
        : {};
    /**
     * A refusal before the signature verified: anyone can send one, so a debug line with no detail of
     * theirs (a flood of forged requests must not flood the logs).
     */
    const refuseUnverified = (response: IngressResponse) => {
      deps.logger.debug('unverified webhook refused', { ...line(response), ...unverified });
      return response;
    };
    /** A refusal of what BigCommerce signed: a warn line with the reason, as it is ours or BigCommerce's to fix. */
    const warn = (response: IngressResponse) => {
      const detail = 'error' in response.body ? response.body.error.message : undefined;
      deps.logger.warn('webhook refused', {
        ...line(response),
        detail,
        storeHash,
        webhookId: webhookId?.slice(0, MAX_WEBHOOK_ID_LENGTH),
      });
      return response;
    };

    if (request.body.length > maxBodyBytes) {
      return refuseUnverified(
        refused(
          413,
          'PayloadTooLarge',
          `the body is ${request.body.length} bytes; the limit is ${maxBodyBytes}`,
        ),
      );
    }
    if (!STORE_HASH_PATTERN.test(storeHash)) {
      return refuseUnverified(
        refused(
          400,
          'InvalidStoreHash',
          'the path must be /webhooks/{storeHash}, a store hash of letters and digits',
        ),
      );
    }

    let secret: string;
    try {
      secret = await deps.secret.secret();
    } catch (error) {
      deps.logger.error('cannot verify webhooks: the client secret is out of reach', {
        ...unverified,
        error: messageOf(error),
      });
      return refused(503, 'ServiceUnavailable', 'the webhook cannot be verified now; deliver it again later');
    }
    try {
      await verify(request, secret);
    } catch (error) {
      if (error instanceof ClientSecretUnavailableError) {
        deps.logger.error('cannot re-read the client secret', { ...unverified, error: error.message });
        return refused(
          503,
          'ServiceUnavailable',
          'the webhook cannot be verified now; deliver it again later',
        );
      }
      if (!(error instanceof WebhookVerificationError)) throw error;
      return refuseUnverified(refused(401, 'InvalidSignature', `${error.message} (Standard Webhooks)`));
    }
    // Verified, so webhook-id is present.
    const id = webhookId ?? '';
    if (id.length > MAX_WEBHOOK_ID_LENGTH) {
      return warn(
        refused(400, 'InvalidWebhookId', `webhook-id is longer than ${MAX_WEBHOOK_ID_LENGTH} characters`),
      );
    }

    let rawBody: string;
    try {
      rawBody = strictUtf8.decode(request.body);
    } catch (error) {
      // Text only: SQS keeps a string body, and other characters than were signed must not be queued.
      return warn(refused(400, 'NotUtf8', `the body is not UTF-8: ${messageOf(error)}`));
    }
    // SQS refuses a body with other characters than these (InvalidMessageContents) every time: a 503 would
    // have BigCommerce deliver it again for 48 hours to the same refusal. JSON escapes all of them, so no
    // BigCommerce payload has one.
    const unqueueable = NOT_SQS_TEXT.exec(rawBody);
    if (unqueueable) {
      const code = unqueueable[0].codePointAt(0) ?? 0;
      return warn(
        refused(
          400,
          'NotQueueable',
          `the body holds U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${unqueueable.index}, which SQS does not take in a message`,
        ),
      );
    }
    // What BigCommerce signed is queued even when it is not the payload we expect: refused, BigCommerce
    // would deliver it again for 48 hours and then deactivate the webhook (every delivery of its scope, in
    // every store, if it is our schema that is wrong), and a failure rate over 10% blocklists the domain
    // for every store of the app. Queued, the consumer rejects it with the same reason into the
    // dead-letter queue (its alarm fires), from where `npm run redrive` replays it once the schema is fixed.
    const checked = checkPayload(rawBody, storeHash);

    try {
      await deps.send(ingressMessageOf({ rawBody, webhookId: id, storeHash }));
    } catch (error) {
      deps.logger.error('the queue refused a verified webhook; BigCommerce will deliver it again', {
        storeHash,
        webhookId: id,
        ...('payload' in checked
          ? { scope: checked.payload.scope, hash: checked.payload.hash }
          : { reason: checked.reason }),
        error: messageOf(error),
      });
      return refused(503, 'ServiceUnavailable', 'the webhook could not be queued; deliver it again later');
    }
    if ('reason' in checked) {
      deps.logger.warn(
        'queued a signed webhook the consumer will reject; it will reach the dead-letter queue',
        { ...checked, storeHash, webhookId: id, bytes: request.body.length },
      );
    }
    return { statusCode: 200, body: { received: id } };
  };
};
