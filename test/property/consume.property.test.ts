import type { SQSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BigCommerceEvent, HandlerRegistry } from '../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../functions/consume/lambda.js';
import type { CatalogScope } from '../../shared/bigcommerce/scopes/index.js';
import { catalogScopes } from '../../shared/bigcommerce/scopes/index.js';
import type { Dedupe } from '../../shared/dedupe/port.js';
import { createConsumerMetrics, RECORD_METRICS } from '../../shared/metrics.js';
import { fakeContext } from '../helpers/context.js';
import { createFakeDedupe } from '../helpers/fake-dedupe.js';
import { loadEvent } from '../helpers/load-event.js';
import { batchArb, type Case } from './arbitraries.js';

const template = loadEvent('consume', 'store-order-created').Records[0];

const sqsEvent = (cases: Case[]): SQSEvent => {
  if (!template) throw new Error('fixture has no record');
  return { Records: cases.map((c, index) => ({ ...template, messageId: `m-${index}`, body: c.body })) };
};

/**
 * The records whose run the dedupe reports with its completion unrecorded (as when the table refuses the
 * completion write past the deadline): every third by position, so each batch of three or more valid
 * records has some. They are acknowledged and counted apart from the handled ones.
 */
const unrecorded = (messageId: string) => Number(messageId.slice(2)) % 3 === 0;

/** The fake dedupe, reporting the runs of {@link unrecorded} records as `ranUnrecorded`. */
const dedupeWithUnrecorded = (): Dedupe => {
  const fake = createFakeDedupe().dedupe;
  return {
    async once(key, delivery, work) {
      const outcome = await fake.once(key, delivery, work);
      return outcome.status === 'ran' && unrecorded(delivery.messageId)
        ? { status: 'ranUnrecorded', error: new Error('completion write refused') }
        : outcome;
    },
  };
};

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const prototypeKeys = () => PROTOTYPES.map((proto) => Reflect.ownKeys(proto).map(String).sort());

/** Runs one batch through a fresh consume handler that registers every catalog scope. */
const consume = async (cases: Case[]) => {
  const dispatched: string[] = [];
  const foreignPrototypes: string[] = [];
  const record = (event: BigCommerceEvent<CatalogScope>, context: { messageId: string }) => {
    dispatched.push(context.messageId);
    const expected = Array.isArray(event.data) ? Array.prototype : Object.prototype;
    if (Object.getPrototypeOf(event) !== Object.prototype || Object.getPrototypeOf(event.data) !== expected) {
      foreignPrototypes.push(context.messageId);
    }
  };
  const handlers = Object.fromEntries(catalogScopes.map((scope) => [scope, record])) as HandlerRegistry;
  // The invocation's metric lines, summed over scope families: each count by its metric's name.
  const counted: Record<string, number> = {};
  const metrics = createConsumerMetrics({
    namespace: 'BigCommerceWebhooksTest',
    write: (text) => {
      for (const line of text.trimEnd().split('\n')) {
        const emf = JSON.parse(line) as Record<string, unknown>;
        for (const name of Object.values(RECORD_METRICS)) {
          if (typeof emf[name] === 'number') counted[name] = (counted[name] ?? 0) + emf[name];
        }
      }
    },
  });
  const handler = createConsumeHandler({ handlers, dedupe: dedupeWithUnrecorded(), metrics });
  const response = await handler(sqsEvent(cases), fakeContext());
  return { response, dispatched, foreignPrototypes, counted };
};

/** Batches to generate (FC_RUNS) and the seed (FC_SEED): the defaults keep `npm test` short. */
const RUNS = Number(process.env.FC_RUNS ?? 150);
const SEED = Number(process.env.FC_SEED ?? 20261128);
/**
 * The test's timeout grows with the run count: a batch takes a few milliseconds here, so 25 ms each
 * (never under the suite's 20 s) leaves room for a loaded machine without hiding a hang.
 */
const TIMEOUT_MS = Math.max(20_000, RUNS * 25);

const idsWhere = (cases: Case[], expect: Case['expect']) =>
  cases.flatMap((c, index) => (c.expect === expect ? [`m-${index}`] : [])).sort();

describe('Function: consume (property-based)', () => {
  it(
    'dispatches every valid record once, fails exactly the invalid ones, counts each under its outcome, and never throws or pollutes a prototype',
    async () => {
      // Prepare
      const before = prototypeKeys();
      const seen = {
        batches: 0,
        records: 0,
        fail: 0,
        dispatch: 0,
        duplicate: 0,
        ignore: 0,
        runs: 0,
        unrecorded: 0,
      };
      const kinds = { sameHash: 0, foreign: 0 };
      await fc.assert(
        fc.asyncProperty(batchArb, async (cases) => {
          // Act
          const { response, dispatched, foreignPrototypes, counted } = await consume(cases);
          seen.batches += 1;
          seen.records += cases.length;
          seen.runs += dispatched.length;
          for (const c of cases) {
            seen[c.expect] += 1;
            if (c.kind.startsWith('same hash')) kinds.sameHash += 1;
            if (c.kind.startsWith('foreign producer')) kinds.foreign += 1;
          }

          // Assess
          const failed = response.batchItemFailures.map((failure) => failure.itemIdentifier).sort();
          expect(failed).toEqual(idsWhere(cases, 'fail'));
          expect(dispatched.sort()).toEqual(idsWhere(cases, 'dispatch'));
          expect(foreignPrototypes).toEqual([]);
          // Every record counted once, under its outcome (every catalog scope has a handler here).
          const outcomes = (expect: Case['expect']) => idsWhere(cases, expect).length;
          const ranUnrecorded = idsWhere(cases, 'dispatch').filter(unrecorded).length;
          seen.unrecorded += ranUnrecorded;
          expect(counted).toEqual(
            Object.fromEntries(
              [
                [RECORD_METRICS.handled, outcomes('dispatch') - ranUnrecorded],
                [RECORD_METRICS.completionUnrecorded, ranUnrecorded],
                [RECORD_METRICS.duplicate, outcomes('duplicate')],
                [RECORD_METRICS.unknownScope, outcomes('ignore')],
                [RECORD_METRICS.rejected, outcomes('fail')],
              ].filter(([, count]) => count !== 0),
            ),
          );
          expect(prototypeKeys()).toEqual(before);
          expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        }),
        { numRuns: RUNS, seed: SEED },
      );
      console.info(
        `consume property figures: ${seen.batches} batches, ${seen.records} records: ${seen.dispatch} valid ` +
          `(${seen.runs} handler runs; ${kinds.sameHash} of them later events sharing an earlier one's hash; ` +
          `${seen.unrecorded} reported with their completion unrecorded, acknowledged), ` +
          `${seen.duplicate} copies (acknowledged, not run), ${seen.ignore} unknown scopes (acknowledged), ` +
          `${seen.fail} invalid (all and only these in batchItemFailures; ${kinds.foreign} of them another ` +
          "store's events on this store's event source)",
      );
    },
    TIMEOUT_MS,
  );
});
