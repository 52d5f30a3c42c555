import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toMessageAttributes } from '../../../shared/aws/message-attributes.js';
import { INGRESS_ATTRIBUTES, type IngressMessage } from '../../../shared/bigcommerce/ingress-message.js';
import { readEnvelope } from '../../../shared/bigcommerce/transport-envelope.js';
import { createIngress, type IngressRequest, MAX_BODY_BYTES } from '../../../shared/ingress/ingest.js';
import { ClientSecretUnavailableError } from '../../../shared/ingress/secret.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';

const SECRET = 'app-client-secret-0123456789';
const STORE = 'k7q2m9x4p1';
const NOW = new Date('2026-12-01T12:00:00Z');

const payload = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    scope: 'store/order/created',
    store_id: '1025646',
    data: { type: 'order', id: 250 },
    hash: '3f9ea420af83450d7ef9f78b08c8af25b2213637',
    created_at: 1561482670,
    producer: `stores/${STORE}`,
    ...overrides,
  });

/** A request signed as BigCommerce signs it: Standard Webhooks, key = base64 of the client secret. */
const signed = (
  body: string | Buffer,
  options: { secret?: string; at?: Date; id?: string; storeHash?: string } = {},
): IngressRequest => {
  const id = options.id ?? 'msg_2kXc9R8d7Qw';
  const at = options.at ?? NOW;
  const webhook = new Webhook(Buffer.from(options.secret ?? SECRET).toString('base64'));
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return {
    storeHash: options.storeHash ?? STORE,
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': webhook.sign(id, at, bytes),
    },
    body: bytes,
  };
};

const setup = (
  options: { send?: (message: IngressMessage) => Promise<void>; secret?: () => Promise<string> } = {},
) => {
  const sent: IngressMessage[] = [];
  const log = createFakeLogger();
  const ingress = createIngress({
    secret: { secret: options.secret ?? (async () => SECRET), describe: () => 'test secret' },
    send:
      options.send ??
      (async (message) => {
        sent.push(message);
      }),
    logger: log.logger,
  });
  return { ingress, sent, log };
};

describe('Function: createIngress, after the client secret is rotated', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  const rotated = (fresh: string | (() => Promise<string>)) => {
    const refresh = vi.fn(typeof fresh === 'string' ? async () => fresh : fresh);
    const sent: IngressMessage[] = [];
    const log = createFakeLogger();
    let clock = NOW.getTime();
    const ingress = createIngress({
      secret: { secret: async () => 'the-old-secret', refresh, describe: () => 'test secret' },
      send: async (message) => {
        sent.push(message);
      },
      logger: log.logger,
      now: () => clock,
    });
    return { ingress, refresh, sent, log, advance: (ms: number) => (clock += ms) };
  };

  it('re-reads the secret once when the cached one does not verify, and accepts what the new one signed', async () => {
    // Prepare
    const { ingress, refresh, sent } = rotated(SECRET);

    // Act
    const response = await ingress(signed(payload()));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(sent).toHaveLength(1);
  });

  it('re-reads it at most once a minute, so forged requests cannot drive SSM calls', async () => {
    // Prepare
    const { ingress, refresh, advance } = rotated('the-old-secret');

    // Act
    const statuses = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await ingress(signed(payload(), { secret: 'forged' }))).statusCode);
    advance(60_000);
    statuses.push((await ingress(signed(payload(), { secret: 'forged' }))).statusCode);

    // Assess
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('answers 503 when the re-read fails, and a forged request within the minute gets 401 with no other re-read', async () => {
    // Prepare
    const { ingress, refresh, log, advance } = rotated(async () => {
      throw new ClientSecretUnavailableError(
        'cannot read the client secret, SSM parameter /x (TimeoutError)',
      );
    });

    // Act
    const first = await ingress(signed(payload()));
    advance(59_999);
    const second = await ingress(signed(payload(), { secret: 'forged' }));

    // Assess
    expect(first).toEqual({
      statusCode: 503,
      body: {
        error: {
          type: 'ServiceUnavailable',
          message: 'the webhook cannot be verified now; deliver it again later',
        },
      },
    });
    expect(second.statusCode).toBe(401);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(log.at('error').map((line) => [line.message, line.extra.error])).toEqual([
      ['cannot re-read the client secret', 'cannot read the client secret, SSM parameter /x (TimeoutError)'],
    ]);
  });

  it('warns once per re-read, not once per forged request, that signatures verify with neither secret', async () => {
    // Prepare
    const { ingress, log, advance } = rotated('the-old-secret');

    // Act
    for (let i = 0; i < 5; i += 1) await ingress(signed(payload(), { secret: 'forged' }));
    advance(60_000);
    await ingress(signed(payload(), { secret: 'forged' }));

    // Assess
    expect(log.at('warn').map((line) => line.message)).toEqual([
      'a signature verifies with neither the cached nor a fresh read of the client secret',
      'a signature verifies with neither the cached nor a fresh read of the client secret',
    ]);
    expect(log.at('debug')).toHaveLength(6);
  });

  it('does not re-read it for a stale timestamp, which no secret can fix', async () => {
    // Prepare
    const { ingress, refresh } = rotated(SECRET);

    // Act
    const response = await ingress(signed(payload(), { at: new Date(NOW.getTime() - 10 * 60_000) }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe('Function: createIngress', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('queues a validly signed payload as sent, with its transport, webhook-id and store, and answers 200', async () => {
    // Prepare
    const { ingress, sent } = setup();
    const body = payload();

    // Act
    const response = await ingress(signed(body, { id: 'msg_abc' }));

    // Assess
    expect(response).toEqual({ statusCode: 200, body: { received: 'msg_abc' } });
    expect(sent).toEqual([
      {
        MessageBody: body,
        MessageAttributes: {
          [INGRESS_ATTRIBUTES.transport]: { DataType: 'String', StringValue: 'https' },
          [INGRESS_ATTRIBUTES.webhookId]: { DataType: 'String', StringValue: 'msg_abc' },
          [INGRESS_ATTRIBUTES.storeHash]: { DataType: 'String', StringValue: STORE },
        },
      },
    ]);
  });

  it('keeps the exact bytes of the body, whitespace and key order included', async () => {
    // Prepare
    const { ingress, sent } = setup();
    const body = `{ "producer":"stores/${STORE}",\n  "scope":"store/order/created","store_id":"1","data":{"id":1,"type":"order"},"hash":"${'a'.repeat(40)}" }`;

    // Act
    const response = await ingress(signed(body));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sent[0]?.MessageBody).toBe(body);
  });

  it('refuses a tampered body with 401 and queues nothing', async () => {
    // Prepare
    const { ingress, sent } = setup();
    const request = signed(payload());
    const tampered = { ...request, body: Buffer.from(payload({ data: { type: 'order', id: 251 } })) };

    // Act
    const response = await ingress(tampered);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({
      error: { type: 'InvalidSignature', message: 'No matching signature found (Standard Webhooks)' },
    });
    expect(sent).toEqual([]);
  });

  it('refuses a replayed delivery whose timestamp is older than five minutes with 401', async () => {
    // Prepare
    const { ingress, sent } = setup();
    const request = signed(payload(), { at: new Date(NOW.getTime() - 5 * 60_000 - 1_000) });

    // Act
    const response = await ingress(request);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(JSON.stringify(response.body)).toContain('too old');
    expect(sent).toEqual([]);
  });

  it('accepts a delivery within the tolerance and refuses one from the future beyond it', async () => {
    // Prepare
    const { ingress, sent } = setup();

    // Act
    const late = await ingress(signed(payload(), { at: new Date(NOW.getTime() - 4 * 60_000) }));
    const future = await ingress(signed(payload(), { at: new Date(NOW.getTime() + 6 * 60_000) }));

    // Assess
    expect(late.statusCode).toBe(200);
    expect(future.statusCode).toBe(401);
    expect(JSON.stringify(future.body)).toContain('too new');
    expect(sent).toHaveLength(1);
  });

  it('refuses a delivery signed with another secret with 401', async () => {
    // Prepare
    const { ingress, sent } = setup();

    // Act
    const response = await ingress(signed(payload(), { secret: 'another-apps-secret' }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(sent).toEqual([]);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'refuses a delivery without %s with 401',
    async (header) => {
      // Prepare
      const { ingress, sent } = setup();
      const request = signed(payload());
      const headers = { ...request.headers, [header]: undefined };

      // Act
      const response = await ingress({ ...request, headers });

      // Assess
      expect(response.statusCode).toBe(401);
      expect(JSON.stringify(response.body)).toContain('Missing required headers');
      expect(sent).toEqual([]);
    },
  );

  it('accepts any of several space-separated signatures, as after a secret rotation', async () => {
    // Prepare
    const { ingress } = setup();
    const request = signed(payload());
    const old = new Webhook(Buffer.from('old-secret').toString('base64')).sign(
      'msg_2kXc9R8d7Qw',
      NOW,
      request.body,
    );
    const headers = {
      ...request.headers,
      'webhook-signature': `${old} ${request.headers['webhook-signature']}`,
    };

    // Act
    const response = await ingress({ ...request, headers });

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it("queues a signed payload whose producer is not the URL's store, with a warning, for the consumer to reject", async () => {
    // Prepare
    const { ingress, sent, log } = setup();
    const body = payload({ producer: 'stores/b3n8w2r6t0' });

    // Act
    const response = await ingress(signed(body));

    // Assess: BigCommerce gets its 200 (a refusal would be retried for 48 hours, then deactivate the
    // webhook); the message carries the URL's store, which the consumer finds is not the producer.
    expect(response).toEqual({ statusCode: 200, body: { received: 'msg_2kXc9R8d7Qw' } });
    expect(sent.map((message) => message.MessageBody)).toEqual([body]);
    expect(sent[0]?.MessageAttributes[INGRESS_ATTRIBUTES.storeHash].StringValue).toBe(STORE);
    expect(log.at('warn').map((line) => line.extra)).toEqual([
      expect.objectContaining({
        reason: 'producer-mismatch',
        detail: `producer stores/b3n8w2r6t0 is not the store of this URL, ${STORE}`,
      }),
    ]);
  });

  it('matches the store of the URL without regard to case', async () => {
    // Prepare
    const { ingress, sent } = setup();

    // Act
    const response = await ingress(signed(payload(), { storeHash: STORE.toUpperCase() }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sent[0]?.MessageAttributes[INGRESS_ATTRIBUTES.storeHash].StringValue).toBe(STORE);
  });

  it.each([
    ['not JSON', 'scope=store/order/created', 'malformed-json'],
    ['JSON but no payload', '{"hello":"world"}', 'scope: Invalid input: expected string, received undefined'],
    ['a payload with a bad hash', payload({ hash: 'nope' }), 'hash: expected a 40-character hex SHA-1'],
  ])('queues a signed body that is %s as it came, warning what is wrong', async (_name, body, detail) => {
    // Prepare
    const { ingress, sent, log } = setup();

    // Act
    const response = await ingress(signed(body));

    // Assess: the consumer rejects it for the same reason, into the dead-letter queue; nothing is lost.
    expect(response.statusCode).toBe(200);
    expect(sent.map((message) => message.MessageBody)).toEqual([body]);
    const warning = log.at('warn')[0];
    expect(warning?.message).toBe(
      'queued a signed webhook the consumer will reject; it will reach the dead-letter queue',
    );
    expect(JSON.stringify(warning?.extra)).toContain(detail);
  });

  it('refuses a signed body that is not UTF-8 with 400', async () => {
    // Prepare
    const { ingress, sent } = setup();
    const body = Buffer.concat([Buffer.from('{"scope":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

    // Act
    const response = await ingress(signed(body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(sent).toEqual([]);
  });

  it.each([
    ['NUL, outside a JSON string', `${payload()}\u0000`, 'U+0000'],
    ['U+FFFF, inside a JSON string', payload({ store_id: 'x\uffffy' }), 'U+FFFF'],
  ])(
    'refuses a signed body with a character SQS does not take (%s) with 400, not a 503 for ever',
    async (_name, body, code) => {
      // Prepare
      const { ingress, sent } = setup();

      // Act
      const response = await ingress(signed(body));

      // Assess
      expect(response.statusCode).toBe(400);
      expect(response.body).toMatchObject({ error: { type: 'NotQueueable' } });
      expect(JSON.stringify(response.body)).toContain(code);
      expect(sent).toEqual([]);
    },
  );

  it.each([
    ['not JSON', 'scope=store/order/created'],
    ['not a payload', '{"hello":"world"}'],
    ['another producer', payload({ producer: 'stores/b3n8w2r6t0' })],
  ])(
    'queues a signed body that is %s as a message the consumer rejects for the reason it warned',
    async (_name, body) => {
      // Prepare
      const { ingress, sent, log } = setup();

      // Act
      await ingress(signed(body));
      const message = sent[0];
      const read = readEnvelope(
        {
          body: message?.MessageBody ?? '',
          messageAttributes: toMessageAttributes(message?.MessageAttributes),
        },
        { sourceStoreOf: () => undefined },
      );

      // Assess
      expect(read.ok).toBe(false);
      expect(log.at('warn')[0]?.extra).toMatchObject({ reason: read.ok ? 'none' : read.reason });
    },
  );

  it('refuses a body over the size cap with 413 before reading the secret', async () => {
    // Prepare
    const secret = vi.fn(async () => SECRET);
    const { ingress, sent } = setup({ secret });
    const body = payload({ data: { type: 'order', id: 1, padding: 'x'.repeat(MAX_BODY_BYTES) } });

    // Act
    const response = await ingress(signed(body));

    // Assess
    expect(response.statusCode).toBe(413);
    expect(JSON.stringify(response.body)).toContain(`the limit is ${MAX_BODY_BYTES}`);
    expect(secret).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });

  it('refuses a path that is not a store hash with 400', async () => {
    // Prepare
    const { ingress, sent } = setup();

    // Act
    const response = await ingress(signed(payload(), { storeHash: '../provision' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(sent).toEqual([]);
  });

  it('answers 503, so BigCommerce delivers again, when SQS refuses the message', async () => {
    // Prepare
    const { ingress, log } = setup({
      send: async () => {
        throw Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });
      },
    });

    // Act
    const response = await ingress(signed(payload()));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(log.at('error')).toHaveLength(1);
    expect(log.at('error')[0]?.extra).toMatchObject({ storeHash: STORE, error: 'Service Unavailable' });
  });

  it('answers 503 when the client secret cannot be read', async () => {
    // Prepare
    const { ingress, log, sent } = setup({
      secret: async () => {
        throw new ClientSecretUnavailableError(
          'cannot read the client secret, SSM parameter /x (AccessDenied)',
        );
      },
    });

    // Act
    const response = await ingress(signed(payload()));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(log.at('error')).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it('never logs the secret it read, whether it verified, refused or could not queue', async () => {
    // Prepare
    const secret = vi.fn(async () => SECRET);
    const refresh = vi.fn(async () => SECRET);
    const log = createFakeLogger();
    let queueUp = true;
    const ingress = createIngress({
      secret: { secret, refresh, describe: () => 'test secret' },
      send: async () => {
        if (!queueUp) throw new Error('Service Unavailable');
      },
      logger: log.logger,
    });

    // Act
    const statuses = [
      (await ingress(signed(payload()))).statusCode,
      (await ingress(signed(payload(), { secret: 'forged' }))).statusCode,
      (await ingress(signed(payload({ producer: 'stores/b3n8w2r6t0' })))).statusCode,
    ];
    queueUp = false;
    statuses.push((await ingress(signed(payload()))).statusCode);

    // Assess
    expect(statuses).toEqual([200, 401, 200, 503]);
    expect(secret).toHaveBeenCalled();
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(log.lines.map((line) => line.level)).toEqual(['warn', 'debug', 'warn', 'error']);
    const logged = JSON.stringify(log.lines);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(Buffer.from(SECRET).toString('base64'));
  });

  it('queues a signed body that starts with a byte order mark with the mark, the bytes that were signed', async () => {
    // Prepare
    const { ingress, sent, log } = setup();
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(payload())]);

    // Act
    const response = await ingress(signed(body));

    // Assess: JSON.parse refuses the mark, as the consumer will (malformed-json, then the DLQ).
    expect(response.statusCode).toBe(200);
    expect(Buffer.from(sent[0]?.MessageBody ?? '', 'utf8')).toEqual(body);
    expect(log.at('warn')[0]?.extra).toMatchObject({ reason: 'malformed-json' });
  });
});

describe('Function: createIngress, what it logs of a request anyone could have sent', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => vi.useRealTimers());

  it('logs a forged request at debug level only, with at most 64 characters of its webhook-id', async () => {
    // Prepare
    const { ingress, log } = setup();
    const id = `msg_${'A'.repeat(10_000)}`;

    // Act
    const response = await ingress(signed(payload(), { secret: 'forged', id }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(log.lines.map((line) => line.level)).toEqual(['debug']);
    expect(log.lines[0]?.extra).toEqual({
      statusCode: 401,
      reason: 'InvalidSignature',
      bytes: Buffer.byteLength(payload()),
      storeHash: STORE,
      webhookId: id.slice(0, 64),
    });
  });

  it('logs a path that is not a store hash by its length, not its text', async () => {
    // Prepare
    const { ingress, log } = setup();
    const path = '../provision\n{"level":"ERROR"}';

    // Act
    const response = await ingress(signed(payload(), { storeHash: path }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(log.lines.map((line) => line.level)).toEqual(['debug']);
    expect(log.lines[0]?.extra).toMatchObject({ reason: 'InvalidStoreHash', storeHashLength: path.length });
    expect(JSON.stringify(log.lines)).not.toContain('provision');
  });

  it('logs the 503 of an unreadable secret with the same cut-short keys', async () => {
    // Prepare
    const { ingress, log } = setup({
      secret: async () => {
        throw new ClientSecretUnavailableError('cannot read the client secret, SSM parameter /x');
      },
    });
    const id = 'B'.repeat(1_000);

    // Act
    const response = await ingress(signed(payload(), { id }));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(log.at('error')[0]?.extra).toEqual({
      storeHash: STORE,
      webhookId: id.slice(0, 64),
      error: 'cannot read the client secret, SSM parameter /x',
    });
  });

  it('logs a signed payload the consumer will reject at warn level once it is queued, with the reason', async () => {
    // Prepare
    const { ingress, log } = setup();

    // Act
    await ingress(signed(payload({ producer: 'stores/b3n8w2r6t0' }), { id: 'msg_abc' }));

    // Assess
    expect(log.at('warn').map((line) => line.extra)).toEqual([
      {
        reason: 'producer-mismatch',
        bytes: Buffer.byteLength(payload({ producer: 'stores/b3n8w2r6t0' })),
        detail: `producer stores/b3n8w2r6t0 is not the store of this URL, ${STORE}`,
        storeHash: STORE,
        webhookId: 'msg_abc',
      },
    ]);
  });

  it('logs a signed payload SQS refused with its reason, and no warning that it was queued', async () => {
    // Prepare
    const { ingress, log } = setup({
      send: async () => {
        throw new Error('Service Unavailable');
      },
    });

    // Act
    const response = await ingress(signed('{"hello":"world"}'));

    // Assess
    expect(response.statusCode).toBe(503);
    expect(log.at('warn')).toEqual([]);
    expect(log.at('error')[0]?.extra).toMatchObject({ reason: 'not-a-bigcommerce-event' });
  });
});
