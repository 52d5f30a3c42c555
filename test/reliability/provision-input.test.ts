import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SCOPE_LENGTH, MAX_SCOPES } from '../../functions/provision/schemas.js';
import { defaultScopes } from '../../functions/provision/scopes.js';
import { SUBSCRIBED_SCOPES } from '../../shared/bigcommerce/scopes/subscribed.js';
import { ProvisionError } from '../../shared/provisioning/errors.js';
import { STORE_HASH } from '../helpers/provision-harness.js';
import { type Chain, startChain } from './chain.js';
import { MAX_BODY_BYTES, provisionApiOf } from './provision-api.js';

const body = (fields: Record<string, unknown>) => JSON.stringify({ storeHash: STORE_HASH, ...fields });

const LIMITS: {
  limit: string;
  send: (api: ReturnType<typeof provisionApiOf>) => Promise<unknown>;
  status: number;
  message: RegExp;
}[] = [
  {
    limit: `body over ${MAX_BODY_BYTES} bytes`,
    send: (api) => api.post(body({ dryRun: true, pad: 'x'.repeat(MAX_BODY_BYTES) })),
    status: 413,
    message: new RegExp(`the limit is ${MAX_BODY_BYTES}`),
  },
  {
    limit: `body over ${MAX_BODY_BYTES} bytes, base64-encoded`,
    send: (api) => api.post(body({ dryRun: true, pad: 'x'.repeat(MAX_BODY_BYTES) }), true),
    status: 413,
    message: new RegExp(`the limit is ${MAX_BODY_BYTES}`),
  },
  {
    limit: `more than ${MAX_SCOPES} scopes`,
    send: (api) => api.post(body({ scopes: Array(MAX_SCOPES + 1).fill('store/order/created') })),
    status: 400,
    message: new RegExp(`scopes: at most ${MAX_SCOPES} scopes per request`),
  },
  {
    limit: 'an empty scope list',
    send: (api) => api.post(body({ scopes: [] })),
    status: 400,
    message: /scopes: at least one scope/,
  },
  {
    limit: `a scope longer than ${MAX_SCOPE_LENGTH} characters`,
    send: (api) => api.post(body({ scopes: [`store/order/${'x'.repeat(MAX_SCOPE_LENGTH)}`] })),
    status: 400,
    message: new RegExp(`scopes\\.0: a scope is at most ${MAX_SCOPE_LENGTH} characters`),
  },
  {
    limit: 'an eventSourceName longer than 64 characters',
    send: (api) => api.post(body({ eventSourceName: 'n'.repeat(65) })),
    status: 400,
    message: /eventSourceName: expected 1-64 characters/,
  },
  {
    limit: 'an eventSourceName with a slash',
    send: (api) => api.post(body({ eventSourceName: '../other-store' })),
    status: 400,
    message: /eventSourceName: expected 1-64 characters/,
  },
  {
    limit: 'a storeHash longer than 32 characters',
    send: (api) => api.post(JSON.stringify({ storeHash: 'a'.repeat(33) })),
    status: 400,
    message: /storeHash: expected a store hash: 1-32/,
  },
  {
    limit: 'an access token in the body',
    send: (api) => api.post(body({ accessToken: 'not-here' })),
    status: 400,
    message: /accessToken/,
  },
  {
    limit: 'a query eventSourceName longer than 64 characters (GET)',
    send: (api) => api.store('GET', STORE_HASH, { eventSourceName: 'n'.repeat(65) }),
    status: 400,
    message: /eventSourceName: expected 1-64 characters/,
  },
  {
    limit: 'a storeHash path longer than 32 characters (DELETE)',
    send: (api) => api.store('DELETE', 'a'.repeat(33)),
    status: 400,
    message: /storeHash: expected a store hash: 1-32/,
  },
];

/** A scope-like string: valid ones, near misses, wildcards, channel scopes, long and non-ASCII junk. */
const scopeArb = fc.oneof(
  fc.constantFrom(
    ...defaultScopes(SUBSCRIBED_SCOPES),
    'store/order/*',
    'store/channel/1/cart/created',
    'store/channel/{channel_id}/cart/created',
    'store/nonsense/thing',
    `store/order/${'x'.repeat(MAX_SCOPE_LENGTH)}`,
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);

/** Mostly right, sometimes wrong in type, length or content: about a fifth of the bodies are accepted. */
const likely = <T>(right: fc.Arbitrary<T>, ...wrong: fc.Arbitrary<unknown>[]) =>
  fc.oneof({ weight: 8, arbitrary: right as fc.Arbitrary<unknown> }, ...wrong);

const fieldArbs = {
  storeHash: likely(fc.constant(STORE_HASH), fc.stringMatching(/^[a-z0-9]{0,40}$/), fc.jsonValue()),
  scopes: likely(
    fc.subarray(defaultScopes(SUBSCRIBED_SCOPES), { minLength: 1 }),
    fc.array(scopeArb, { maxLength: 12 }),
    fc.array(scopeArb, { minLength: 95, maxLength: 110 }),
    fc.jsonValue(),
  ),
  eventSourceName: likely(
    fc.stringMatching(/^[a-z0-9]{1,20}$/),
    fc.stringMatching(/^[A-Za-z0-9._-]{0,70}$/),
    fc.string({ unit: 'grapheme' }),
    fc.jsonValue(),
  ),
  dryRun: likely(fc.boolean(), fc.constant('true'), fc.jsonValue()),
  prune: likely(fc.boolean(), fc.jsonValue()),
  allowUnhandled: likely(fc.boolean(), fc.jsonValue()),
};

/** Keys that probe prototype pollution and secret smuggling, written into the JSON text as they are. */
const extraKeyArb = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'accessToken',
  'X-Auth-Token',
  '',
);

/** A JSON object body built as text, so that `__proto__` stays an own key as a client would send it. */
const objectBodyArb = fc
  .tuple(
    fc.record(fieldArbs, { requiredKeys: [] }),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant([]) },
      fc.array(fc.tuple(extraKeyArb, fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 2 }),
    ),
  )
  .map(([fields, extras]) => {
    const entries = [...Object.entries(fields), ...extras].filter(([, value]) => value !== undefined);
    return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
  });

/** Any body a client could send: objects as above, other JSON, truncated JSON, text, and oversized ones. */
const bodyArb = fc.oneof(
  { weight: 6, arbitrary: objectBodyArb },
  { weight: 1, arbitrary: fc.json({ maxDepth: 4 }) },
  {
    weight: 1,
    arbitrary: objectBodyArb.chain((text) => fc.nat(text.length).map((cut) => text.slice(0, cut))),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.nat(64).map((extra) => `"${'x'.repeat(MAX_BODY_BYTES + extra)}"`) },
);

describe('Provision API input limits and fuzzing (sandbox + EventBridge emulator over HTTP)', () => {
  let chain: Chain;
  let api: ReturnType<typeof provisionApiOf>;

  beforeAll(async () => {
    chain = await startChain();
    api = provisionApiOf(chain);
  });

  afterAll(async () => {
    await chain.close();
  });

  it.each(LIMITS)(
    'refuses $limit with $status and a clear message, calling nothing',
    async ({ send, status, message }) => {
      // Prepare
      const callsBefore = chain.allCalls();

      // Act
      const response = (await send(api)) as Awaited<ReturnType<typeof api.post>>;

      // Assess
      expect(response.status).toBe(status);
      const issues = (response.body.error?.issues ?? []).map((issue) => `${issue.field}: ${issue.message}`);
      expect([response.body.error?.message ?? '', ...issues].join('\n')).toMatch(message);
      expect(chain.allCalls()).toBe(callsBefore);
    },
  );

  it('never answers 500 to any POST body, and a refused body makes no call at all', async () => {
    // Prepare
    const seen = new Map<number, number>();

    // Act + Assess
    await fc.assert(
      fc.asyncProperty(bodyArb, fc.boolean(), async (text, base64) => {
        const callsBefore = chain.allCalls();
        const mutationsBefore = chain.mutations();
        const response = await api.post(text, base64);
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        expect(response.status).not.toBe(500);
        expect(response.body.error?.type ?? 'none').not.toBe('Error');
        if (response.status === 400 || response.status === 413) {
          expect(chain.allCalls()).toBe(callsBefore);
          expect(chain.mutations()).toBe(mutationsBefore);
        }
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
      { numRuns: 300 },
    );
    console.log(
      `provision body fuzz: ${JSON.stringify(Object.fromEntries([...seen].sort()))} (status: count)`,
    );
    // A 502 (BigCommerce refused, e.g. its 10-webhooks-per-scope limit) is logged; it is a named step failure.
    for (const logged of api.errors)
      expect((logged as { error?: unknown }).error).toBeInstanceOf(ProvisionError);
    expect(seen.get(400) ?? 0).toBeGreaterThan(0);
    expect(seen.get(200) ?? 0).toBeGreaterThan(0);
  });
});
