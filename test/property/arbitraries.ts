import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sampleData, sampleEventBridgeEvent, samplePayload } from '../../shared/bigcommerce/samples.js';
import { type CatalogScope, catalogScopes, resolveScope } from '../../shared/bigcommerce/scopes/index.js';
import { SOURCE, STORE_HASH } from '../helpers/records.js';

/** What the consumer must do with a generated record. */
export type Expect = 'dispatch' | 'duplicate' | 'ignore' | 'fail';

/** A record of a generated batch (before message ids are assigned) and what must happen to it. */
export interface Case {
  expect: Expect;
  kind: string;
  body: string;
}

type Json = Record<string, unknown>;

/** JSON text that is valid but awkward: prototype keys, deep nesting, huge and non-ASCII strings. */
const awkwardKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const awkwardValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }).map((value) => JSON.stringify(value) ?? 'null'),
  fc.constant('{"polluted":"yes","constructor":{"prototype":{"polluted":"yes"}}}'),
  fc.integer({ min: 50, max: 4000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 50, max: 2000 }).map((depth) => `${'{"a":'.repeat(depth)}null${'}'.repeat(depth)}`),
  fc
    .tuple(
      fc.constantFrom('x', 'é', '😀', '\\n', '\\"', '\\u0000', '\\ud800'),
      fc.integer({ min: 20_000, max: 100_000 }),
    )
    .map(([unit, count]) => `"${unit.repeat(count)}"`),
);
const extraField = fc
  .tuple(awkwardKey, awkwardValue)
  .map(([key, value]) => `${JSON.stringify(key)}:${value}`);

/** Inserts the member `field` (`"key":value`) first in the object that opens at the first `marker`. */
const insertMember = (body: string, marker: string, field: string): string => {
  const at = body.indexOf(marker);
  if (at < 0) return body;
  const rest = body.slice(at + marker.length);
  return `${body.slice(0, at + marker.length)}${field}${rest.trimStart().startsWith('}') ? '' : ','}${rest}`;
};

/** Escapes every character outside printable ASCII as \uXXXX: the same JSON value, written differently. */
const asciiEscaped = (body: string): string =>
  body.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

let created = 1_764_300_000;

/** A catalog scope as a payload carries it, with a channel id for the `{channel_id}` ones. */
const payloadScope = (scope: CatalogScope, channel: number) => scope.replace('{channel_id}', String(channel));

/** Provision's default event source of the store (`<prefix>-<storeHash>`): it names the store. */
export const DEFAULT_SOURCE = `aws.partner/bigcommerce.com/sandbox/sandbox-client-id/bigcommerce-webhooks-${STORE_HASH}`;

/** The EventBridge event for a fresh event of `scope` (a distinct hash each time). */
export const eventOf = (
  scope: CatalogScope,
  id: number,
  channel: number,
  payloadScopeOverride?: string,
  source = SOURCE,
): Json => {
  created += 1;
  const payload = samplePayload({
    scope: payloadScopeOverride ?? payloadScope(scope, channel),
    data: sampleData(scope, id),
    storeHash: STORE_HASH,
    createdAt: created,
  });
  return sampleEventBridgeEvent(payload, { source }) as Json;
};

const scopeArb = fc.constantFrom(...catalogScopes);
const idArb = fc.integer({ min: 1, max: 2_000_000_000 });
const channelArb = fc.integer({ min: 1, max: 99_999 });

/** A valid event of any catalog scope, written plainly, escaped, pretty, or with awkward extra fields. */
export const validBody = fc
  .record({
    scope: scopeArb,
    id: idArb,
    channel: channelArb,
    extras: fc.array(fc.tuple(fc.constantFrom('{', '"detail":{', '"data":{'), extraField), { maxLength: 3 }),
    style: fc.constantFrom('plain', 'escaped', 'pretty'),
  })
  .map(({ scope, id, channel, extras, style }) => {
    const event = eventOf(scope, id, channel);
    let body = style === 'pretty' ? JSON.stringify(event, null, 2) : JSON.stringify(event);
    if (style === 'escaped') body = asciiEscaped(body);
    for (const [marker, field] of extras)
      body = insertMember(body, style === 'pretty' ? marker.replace(':', ': ') : marker, field);
    return { kind: `valid ${style}${extras.length ? ' with extras' : ''}`, body };
  });

const REQUIRED_PATHS = [
  ['version'],
  ['id'],
  ['detail-type'],
  ['source'],
  ['account'],
  ['time'],
  ['region'],
  ['resources'],
  ['detail'],
  ['detail', 'scope'],
  ['detail', 'store_id'],
  ['detail', 'hash'],
  ['detail', 'producer'],
  ['detail', 'data'],
] as const;

/** A value of the wrong type for every field a test replaces: no string, no object, no array of strings. */
const wrongValue = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([0]));

/** Sets (or, with `undefined`, deletes) the field at `path`. */
const setAt = (event: Json, path: readonly string[], value: unknown): Json => {
  const [head, ...rest] = path;
  if (head === undefined) return event;
  if (rest.length === 0) {
    const { [head]: _removed, ...others } = event;
    return value === undefined ? others : { ...others, [head]: value };
  }
  return { ...event, [head]: setAt((event[head] ?? {}) as Json, rest, value) };
};

/** A valid event on the store's default source whose producer is the store in any letter case. */
const ownProducerBody = fc
  .record({ scope: scopeArb, id: idArb, channel: channelArb, upper: fc.boolean() })
  .map(({ scope, id, channel, upper }) => ({
    kind: 'own producer on its default source',
    body: JSON.stringify(
      setAt(
        eventOf(scope, id, channel, undefined, DEFAULT_SOURCE),
        ['detail', 'producer'],
        `stores/${upper ? STORE_HASH.toUpperCase() : STORE_HASH}`,
      ),
    ),
  }));

/**
 * Records that must fail: broken JSON, a truncated event, a wrong type or a missing field, bad strings,
 * another store's producer on the store's default source.
 */
const invalidBody = fc.oneof(
  fc
    .string({ unit: 'binary', maxLength: 40 })
    .filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    })
    .map((body) => ({ kind: 'malformed JSON', body })),
  fc
    .jsonValue({ maxDepth: 2 })
    .map((value) => ({ kind: 'JSON that is not an event', body: JSON.stringify(value) ?? 'null' })),
  fc.tuple(validBody, fc.double({ min: 0, max: 1, noNaN: true })).map(([valid, cut]) => ({
    kind: 'truncated',
    body: valid.body.slice(0, Math.max(1, Math.floor(cut * (valid.body.length - 1)))),
  })),
  fc
    .record({
      scope: scopeArb,
      id: idArb,
      channel: channelArb,
      path: fc.constantFrom(...REQUIRED_PATHS),
      value: fc.option(wrongValue, { nil: undefined }),
    })
    .map(({ scope, id, channel, path, value }) => ({
      kind: `${value === undefined ? 'missing' : 'wrong type at'} ${path.join('.')}`,
      body: JSON.stringify(setAt(eventOf(scope, id, channel), path, value)),
    })),
  fc
    .record({
      scope: scopeArb,
      id: idArb,
      channel: channelArb,
      value: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }),
        fc.constant('ä'.repeat(100_000)),
      ),
    })
    .map(({ scope, id, channel, value }) => ({
      kind: 'bad hash',
      body: JSON.stringify(
        setAt(eventOf(scope, id, channel), ['detail', 'hash'], `${'a'.repeat(39)}${value}`),
      ),
    })),
  fc
    .record({
      scope: scopeArb,
      id: idArb,
      channel: channelArb,
      created: fc.oneof(fc.constant(-1), fc.constant(1.5), fc.string({ maxLength: 5 })),
    })
    .map(({ scope, id, channel, created: value }) => ({
      kind: 'bad created_at',
      body: JSON.stringify(setAt(eventOf(scope, id, channel), ['detail', 'created_at'], value)),
    })),
  fc
    .record({ scope: scopeArb, id: idArb, channel: channelArb, depth: fc.integer({ min: 100, max: 4000 }) })
    .map(({ scope, id, channel, depth }) => ({
      kind: 'deeply nested data',
      body: JSON.stringify(eventOf(scope, id, channel)).replace(
        /"data":(\{|\[)/,
        `"data":${'['.repeat(depth)}${']'.repeat(depth)},"was":$1`,
      ),
    })),
  fc
    .integer({ min: 100_000, max: 300_000 })
    .map((size) => ({ kind: 'huge garbage', body: `{"version":"0","id":"${'x'.repeat(size)}` })),
  fc
    .record({ scope: scopeArb, id: idArb, channel: channelArb, store: fc.stringMatching(/^[a-z0-9]{1,12}$/) })
    .filter(({ store }) => store !== STORE_HASH)
    .map(({ scope, id, channel, store }) => ({
      kind: 'foreign producer on the default source',
      body: JSON.stringify(
        setAt(
          eventOf(scope, id, channel, undefined, DEFAULT_SOURCE),
          ['detail', 'producer'],
          `stores/${store}`,
        ),
      ),
    })),
);

/** Scope strings outside the catalog: new families, prototype names, wildcards, near misses of real scopes. */
const unknownScope = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((suffix) => `store/zz-unknown/${suffix}`),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'store/product/*', 'store/*'),
  fc.constantFrom(
    'store/channel/1/__proto__',
    'store/channel/-1/cart/created',
    'store/channel/1e3/cart/created',
  ),
  fc.tuple(scopeArb, fc.constantFrom('/', ' ', '/*', '\u0000')).map(([scope, tail]) => `${scope}${tail}`),
  scopeArb.map((scope) => scope.toUpperCase()),
);

/** Events that are well formed but whose scope the catalog does not know: acknowledged with a warning. */
const unknownScopeBody = fc
  .record({ scope: scopeArb, id: idArb, payloadScope: unknownScope })
  .filter(({ payloadScope }) => resolveScope(payloadScope) === undefined)
  .map(({ scope, id, payloadScope }) => ({
    kind: 'unknown scope',
    body: JSON.stringify(eventOf(scope, id, 1, payloadScope)),
  }));

/** A copy of a body: the same BigCommerce event in a new EventBridge event. */
export const redelivered = (body: string): string =>
  JSON.stringify({ ...JSON.parse(body), id: randomUUID() });

/** Another event with the body's hash, scope and data but a later `created_at` (an order updated again). */
export const sameHashLater = (body: string, seconds: number): string => {
  const event = JSON.parse(body);
  return JSON.stringify({
    ...event,
    id: randomUUID(),
    detail: { ...event.detail, created_at: event.detail.created_at + seconds },
  });
};

/**
 * A batch of 1-14 records mixing every kind, plus copies of some of its valid events placed after them
 * (the copies must be acknowledged without a second dispatch), and later events sharing a valid event's
 * hash (each must be dispatched).
 */
export const batchArb = fc
  .record({
    records: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: validBody.map((c): Case => ({ ...c, expect: 'dispatch' })) },
        { weight: 1, arbitrary: ownProducerBody.map((c): Case => ({ ...c, expect: 'dispatch' })) },
        { weight: 4, arbitrary: invalidBody.map((c): Case => ({ ...c, expect: 'fail' })) },
        { weight: 1, arbitrary: unknownScopeBody.map((c): Case => ({ ...c, expect: 'ignore' })) },
      ),
      { minLength: 1, maxLength: 10 },
    ),
    copies: fc.array(fc.nat(), { maxLength: 2 }),
    later: fc.array(fc.nat(), { maxLength: 2 }),
  })
  .map(({ records, copies, later }): Case[] => {
    const valid = records.filter((record) => record.expect === 'dispatch');
    const pick = (indexes: number[]) =>
      valid.length === 0 ? [] : indexes.map((index) => valid[index % valid.length] as Case);
    return [
      ...records,
      ...pick(copies).map(
        (c): Case => ({ kind: `copy of ${c.kind}`, expect: 'duplicate', body: redelivered(c.body) }),
      ),
      // Seconds far past every other generated created_at, and distinct, so each is a new event.
      ...pick(later).map(
        (c, index): Case => ({
          kind: `same hash as ${c.kind}, later`,
          expect: 'dispatch',
          body: sameHashLater(c.body, 10_000_000 * (index + 1)),
        }),
      ),
    ];
  });
