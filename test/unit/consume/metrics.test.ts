import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HandlerRegistry } from '../../../functions/consume/handlers/types.js';
import { createConsumeHandler } from '../../../functions/consume/lambda.js';
import { type Dedupe, EventInProgressError } from '../../../shared/dedupe/port.js';
import {
  createConsumerMetrics,
  HANDLER_DURATION_METRICS,
  METRIC_DIMENSIONS,
  NO_SCOPE_FAMILY,
  OTHER_SCOPE_FAMILY,
  OutcomeTally,
  RECORD_METRICS,
  type RecordOutcome,
  scopeFamilyOf,
} from '../../../shared/metrics.js';
import { fakeContext } from '../../helpers/context.js';
import { createFakeDedupe } from '../../helpers/fake-dedupe.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';
import { loadEvent } from '../../helpers/load-event.js';
import { rawRecord, recordFor, STORE_HASH } from '../../helpers/records.js';

const NAMESPACE = 'BigCommerceWebhooksTest';

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/**
 * A consume handler whose metric lines are kept, parsed, per write. Its clock moves only when a handler
 * moves it ({@link clock}), and records go one at a time, so each call's duration is what its handler took.
 */
const setup = (handlers: HandlerRegistry, dedupe: Dedupe = createFakeDedupe().dedupe) => {
  const writes: EmfLine[][] = [];
  const metrics = createConsumerMetrics({
    namespace: NAMESPACE,
    serviceName: 'bigcommerce-webhooks',
    defaultDimensions: { [METRIC_DIMENSIONS.stage]: 'test' },
    write: (text) => {
      writes.push(
        text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line) as EmfLine),
      );
    },
  });
  const handler = createConsumeHandler({
    handlers,
    dedupe,
    metrics,
    concurrency: 1,
    recordLogger: createFakeLogger().logger,
    now: () => clock.ms,
  });
  return { handler, writes };
};

/** The test's monotonic clock, in milliseconds. */
const clock = { ms: 0 };

const sqsEvent = (records: { messageId: string; body: string }[]): SQSEvent => {
  const template = loadEvent('consume', 'store-order-created').Records[0];
  if (!template) throw new Error('fixture has no record');
  return { Records: records.map((record) => ({ ...template, ...record })) };
};

/** The event of `record` again, as another delivery of it: a new message, the same payload. */
const copyOf = (record: { messageId: string; body: string }) => ({
  messageId: `${record.messageId}-copy`,
  body: JSON.stringify({ ...JSON.parse(record.body), id: `${record.messageId}-copy` }),
});

/** `record` put on the event source provision names for store k7q2m9x4p1, its payload claiming another store. */
const fromAnotherStore = (record: { messageId: string; body: string }) => {
  const event = JSON.parse(record.body);
  return {
    ...record,
    body: JSON.stringify({
      ...event,
      source: `aws.partner/bigcommerce.com/test/4yk6pb824t53hirbuz5akdr652lpjb2/bigcommerce-webhooks-${STORE_HASH}`,
      detail: { ...event.detail, producer: 'stores/otherstore1' },
    }),
  };
};

/** Each line's family and its metric values, by metric name. */
const byFamily = (lines: EmfLine[]) =>
  Object.fromEntries(
    lines.map((line) => {
      const names = line._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((m) => m.Name));
      return [
        line[METRIC_DIMENSIONS.scopeFamily],
        Object.fromEntries(names.map((name) => [name, line[name]])),
      ];
    }),
  );

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('Function: consume, metrics', () => {
  it('counts every record of a batch under its outcome and scope family, in one write at the end of the invocation', async () => {
    // Prepare: one record per outcome.
    const handled = recordFor('store/order/created', { type: 'order', id: 1 });
    const failing = recordFor('store/order/created', { type: 'order', id: 2 });
    const deferred = recordFor('store/order/created', { type: 'order', id: 3 });
    const inner = createFakeDedupe().dedupe;
    const dedupe: Dedupe = {
      once: (key, delivery, work) =>
        delivery.messageId === deferred.messageId
          ? Promise.reject(new EventInProgressError('held by another invocation'))
          : inner.once(key, delivery, work),
    };
    const { handler, writes } = setup(
      {
        'store/order/created': (event) => {
          clock.ms += event.data.id === 1 ? 7 : 3;
          if (event.data.id === 2) throw new Error('boom');
        },
        'store/product/*': () => {
          clock.ms += 4;
        },
      },
      dedupe,
    );
    const product = recordFor('store/product/updated');
    const records = [
      handled,
      copyOf(handled),
      failing,
      deferred,
      recordFor('store/order/created', { type: 'order', id: 'not a number' }),
      fromAnotherStore(recordFor('store/product/created')),
      product,
      recordFor('store/order/teleported', { id: 1 }),
      recordFor('store/teleporter/created', { id: 1 }),
      recordFor('store/customer/created'),
      rawRecord('{"truncated":'),
      rawRecord(JSON.stringify({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} })),
    ];

    // Act
    const response = await handler(sqsEvent(records), fakeContext());

    // Assess: one write of one line per family; every record counted once.
    expect(response.batchItemFailures).toHaveLength(6);
    expect(writes).toHaveLength(1);
    const lines = writes[0] ?? [];
    expect(byFamily(lines)).toEqual({
      'store/order': {
        [RECORD_METRICS.handled]: 1,
        [RECORD_METRICS.duplicate]: 1,
        [RECORD_METRICS.handlerFailed]: 1,
        [RECORD_METRICS.deferred]: 1,
        [RECORD_METRICS.rejected]: 1,
        [RECORD_METRICS.unknownScope]: 1,
        // Two calls: the handled one took 7 ms, the failing one 3 ms.
        [HANDLER_DURATION_METRICS.total]: 10,
        [HANDLER_DURATION_METRICS.max]: 7,
      },
      'store/product': {
        [RECORD_METRICS.handled]: 1,
        [RECORD_METRICS.rejected]: 1,
        [HANDLER_DURATION_METRICS.total]: 4,
        [HANDLER_DURATION_METRICS.max]: 4,
      },
      'store/customer': { [RECORD_METRICS.noHandler]: 1 },
      [OTHER_SCOPE_FAMILY]: { [RECORD_METRICS.unknownScope]: 1 },
      [NO_SCOPE_FAMILY]: { [RECORD_METRICS.rejected]: 2 },
    });
    for (const line of lines) {
      expect(line._aws.CloudWatchMetrics).toEqual([
        expect.objectContaining({
          Namespace: NAMESPACE,
          Dimensions: [[METRIC_DIMENSIONS.service, METRIC_DIMENSIONS.stage, METRIC_DIMENSIONS.scopeFamily]],
        }),
      ]);
      expect(line[METRIC_DIMENSIONS.service]).toBe('bigcommerce-webhooks');
      expect(line[METRIC_DIMENSIONS.stage]).toBe('test');
      for (const metric of line._aws.CloudWatchMetrics[0]?.Metrics ?? []) {
        expect(metric.Unit).toBe(metric.Name.startsWith('HandlerDuration') ? 'Milliseconds' : 'Count');
      }
    }
  });

  it('starts each invocation from zero: counts are per invocation, never carried into the next', async () => {
    // Prepare
    const { handler, writes } = setup({ 'store/order/created': () => undefined });

    // Act
    await handler(
      sqsEvent([recordFor('store/order/created'), recordFor('store/order/created')]),
      fakeContext(),
    );
    await handler(sqsEvent([recordFor('store/order/created')]), fakeContext());

    // Assess
    expect(writes.map((lines) => byFamily(lines)['store/order']?.[RECORD_METRICS.handled])).toEqual([2, 1]);
  });

  it('writes nothing when POWERTOOLS_METRICS_DISABLED is set, and still answers the batch', async () => {
    // Prepare
    const writes: string[] = [];
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const metrics = createConsumerMetrics({ namespace: NAMESPACE, write: (text) => writes.push(text) });
    const handler = createConsumeHandler({
      handlers: { 'store/order/created': () => undefined },
      dedupe: createFakeDedupe().dedupe,
      metrics,
      recordLogger: createFakeLogger().logger,
    });

    // Act: twice, so the second line's shape is one already built.
    const response = await handler(sqsEvent([recordFor('store/order/created')]), fakeContext());
    await handler(sqsEvent([recordFor('store/order/created')]), fakeContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(writes).toEqual([]);
  });
});

describe('Metrics: lines of a shape already built', () => {
  it('writes each line as Powertools writes it the first time, values and timestamp its own', () => {
    // Prepare: a sequence of invocations whose lines repeat shapes (family + metrics present) with other
    // values; each is compared with the same tally published by a fresh instance (Powertools builds it).
    vi.useFakeTimers({ now: 1_796_000_000_000, toFake: ['Date'] });
    const options = {
      namespace: NAMESPACE,
      serviceName: 'bigcommerce-webhooks',
      defaultDimensions: { [METRIC_DIMENSIONS.stage]: 'test' },
    };
    const reused: string[] = [];
    const metrics = createConsumerMetrics({ ...options, write: (text) => reused.push(text) });
    const invocations: [string | undefined, RecordOutcome, number?][][] = [
      [
        ['store/order/created', 'handled', 2],
        ['store/product/updated', 'rejected'],
      ],
      [
        ['store/order/updated', 'handled', 5],
        ['store/order/created', 'handled', 1],
      ],
      [
        ['store/order/created', 'handled', 3],
        ['store/order/created', 'deferred'],
        [undefined, 'rejected'],
      ],
      [
        ['store/product/updated', 'rejected'],
        ['store/product/updated', 'rejected'],
      ],
      [['store/order/created', 'handled', 9]],
      // The same outcomes with and without handler durations (a record deferred after its handler ran, one
      // deferred before): two shapes.
      [['store/order/created', 'deferred']],
      [['store/order/created', 'deferred', 4]],
      [['store/order/created', 'deferred']],
    ];

    for (const [index, counted] of invocations.entries()) {
      vi.setSystemTime(1_796_000_000_000 + index * 1000);
      const tally = new OutcomeTally();
      for (const [scope, outcome, ms] of counted) tally.count(scope, outcome, ms);
      const fresh: string[] = [];

      // Act
      metrics.publish(tally);
      createConsumerMetrics({ ...options, write: (text) => fresh.push(text) }).publish(tally);

      // Assess: the same text, key order included.
      expect(reused.at(-1)).toBe(fresh[0]);
    }
    expect(reused).toHaveLength(invocations.length);
  });
});

describe('Metrics: scope families', () => {
  it.each([
    ['store/order/created', 'store/order'],
    ['store/product/metafield/updated', 'store/product'],
    ['store/channel/12/order/created', 'store/channel'],
    ['store/order/someScopeBigCommerceAddsLater', 'store/order'],
    ['store/teleporter/created', OTHER_SCOPE_FAMILY],
    ['no slashes at all', OTHER_SCOPE_FAMILY],
    [undefined, NO_SCOPE_FAMILY],
  ])('puts %s in family %s', (scope, family) => {
    expect(scopeFamilyOf(scope)).toBe(family);
  });
});
