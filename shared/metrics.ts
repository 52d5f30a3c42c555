import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { catalogScopes } from './bigcommerce/scopes/index.js';

/**
 * What happened to one consumed record, as its metric counts it: `handled` (its handler ran and returned),
 * `duplicate` (a copy already handled in the dedupe window), `unknownScope` and `noHandler` (acknowledged
 * with a warning), `rejected` (malformed JSON, not a BigCommerce event, producer mismatch or schema
 * violation: it will reach the DLQ), `handlerFailed` (its handler threw: retried), `deferred` (the dedupe
 * table failed before the handler ran, or another invocation holds the same event: retried without running
 * its handler), `completionUnrecorded` (its handler ran and returned, but the dedupe table refused to
 * record it done until the invocation's time ran out: acknowledged, and a copy arriving after its lock
 * lapses would run again).
 */
export type RecordOutcome =
  | 'handled'
  | 'duplicate'
  | 'unknownScope'
  | 'noHandler'
  | 'rejected'
  | 'handlerFailed'
  | 'deferred'
  | 'completionUnrecorded';

/**
 * The consumer's CloudWatch metrics, one count (unit Count) per record outcome, in namespace
 * POWERTOOLS_METRICS_NAMESPACE. Every record of a batch is counted under exactly one of them. A count is
 * emitted only when it is not zero: alarms on them treat missing data as not breaching.
 */
export const RECORD_METRICS = {
  handled: 'RecordsHandled',
  duplicate: 'RecordsDuplicate',
  unknownScope: 'RecordsUnknownScope',
  noHandler: 'RecordsNoHandler',
  rejected: 'RecordsRejected',
  handlerFailed: 'RecordsHandlerFailed',
  deferred: 'RecordsDeferred',
  completionUnrecorded: 'RecordsCompletionUnrecorded',
} as const satisfies Record<RecordOutcome, string>;

/**
 * How long handlers ran (unit Milliseconds), per invocation and scope family: the sum over the calls
 * (`HandlerDurationTotal`; its Sum over `RecordsHandled` + `RecordsHandlerFailed` +
 * `RecordsCompletionUnrecorded` is the mean call) and
 * the longest call (`HandlerDurationMax`). Not one value per call: through Powertools each value costs
 * about as much as the rest of a record's work (see README, performance).
 */
export const HANDLER_DURATION_METRICS = {
  total: 'HandlerDurationTotal',
  max: 'HandlerDurationMax',
} as const;

/**
 * The dimensions of every consumer metric, in this order: `service` (POWERTOOLS_SERVICE_NAME, Powertools'
 * default dimension), `stage` (the deployed consume function's STAGE, as the reconcile run's metrics) and
 * `scopeFamily` (see {@link scopeFamilyOf}).
 */
export const METRIC_DIMENSIONS = { service: 'service', stage: 'stage', scopeFamily: 'scopeFamily' } as const;

/** The scope family of a record whose scope could not be read (malformed JSON, not a BigCommerce event). */
export const NO_SCOPE_FAMILY = 'none';
/** The scope family of a scope outside every family of the catalog. */
export const OTHER_SCOPE_FAMILY = 'other';

const familyPrefixOf = (scope: string): string => {
  const first = scope.indexOf('/');
  const second = first < 0 ? -1 : scope.indexOf('/', first + 1);
  return second < 0 ? scope : scope.slice(0, second);
};

const catalogFamilies = new Set(catalogScopes.map(familyPrefixOf));
/** Each catalog scope's family, worked out once: the hot path's lookup for almost every record. */
const familyOfCatalogScope = new Map<string, string>(
  catalogScopes.map((scope) => [scope, familyPrefixOf(scope)]),
);

/**
 * The `scopeFamily` dimension of a scope: its first two segments (`store/order` for `store/order/created`,
 * `store/channel` for `store/channel/1/order/created`) when they are a family of the catalog, so a new
 * scope BigCommerce adds to a family counts under it; `other` for any other text, so that what a payload
 * says cannot create dimension values (each one a CloudWatch metric of its own); `none` without a scope.
 * The values are thus the catalog's families (reference/bigcommerce-webhooks.md) plus these two.
 */
export const scopeFamilyOf = (scope: string | undefined): string => {
  if (scope === undefined) return NO_SCOPE_FAMILY;
  const known = familyOfCatalogScope.get(scope);
  if (known !== undefined) return known;
  const prefix = familyPrefixOf(scope);
  return catalogFamilies.has(prefix) ? prefix : OTHER_SCOPE_FAMILY;
};

const OUTCOMES = Object.keys(RECORD_METRICS) as RecordOutcome[];

/** One scope family's counts within one invocation. */
interface FamilyTally {
  counts: Record<RecordOutcome, number>;
  handlerCalls: number;
  handlerMsTotal: number;
  handlerMsMax: number;
}

const emptyTally = (): FamilyTally => ({
  counts: {
    handled: 0,
    duplicate: 0,
    unknownScope: 0,
    noHandler: 0,
    rejected: 0,
    handlerFailed: 0,
    deferred: 0,
    completionUnrecorded: 0,
  },
  handlerCalls: 0,
  handlerMsTotal: 0,
  handlerMsMax: 0,
});

/**
 * One invocation's outcomes, counted in memory as records finish and published once at its end
 * ({@link ConsumerMetrics.publish}): a Powertools call per record would cost more than the record.
 */
export class OutcomeTally {
  readonly families = new Map<string, FamilyTally>();

  /**
   * Counts one record of `scope` (the payload's, as sent; `undefined` when unreadable) under `outcome`,
   * with its handler call's duration when its handler ran (`handlerMs`, milliseconds).
   */
  count(scope: string | undefined, outcome: RecordOutcome, handlerMs?: number): void {
    const family = scopeFamilyOf(scope);
    let tally = this.families.get(family);
    if (!tally) {
      tally = emptyTally();
      this.families.set(family, tally);
    }
    tally.counts[outcome] += 1;
    if (handlerMs !== undefined) {
      tally.handlerCalls += 1;
      tally.handlerMsTotal += handlerMs;
      if (handlerMs > tally.handlerMsMax) tally.handlerMsMax = handlerMs;
    }
  }
}

/** Publishes invocations' tallies as EMF lines through Powertools Metrics. */
export interface ConsumerMetrics {
  publish(tally: OutcomeTally): void;
}

export interface ConsumerMetricsOptions {
  /** Default: POWERTOOLS_METRICS_NAMESPACE, as Powertools reads it. */
  namespace?: string;
  /** Default: POWERTOOLS_SERVICE_NAME, as Powertools reads it. */
  serviceName?: string;
  /** Dimensions on every line beside `service` and `scopeFamily` (the consume function adds `stage`). */
  defaultDimensions?: Record<string, string>;
  /** Where an invocation's EMF lines go, in one write (default: stdout, where Powertools writes them). */
  write?: (text: string) => void;
}

/**
 * Powertools Metrics that hands its EMF document back instead of writing it, so that an invocation's lines go
 * out in one write: a write per line (Powertools' `publishStoredMetrics`) cost more than building it.
 */
class FamilyMetrics extends Metrics {
  /** The stored metrics as an EMF document (none when POWERTOOLS_METRICS_DISABLED is set), then cleared. */
  takeDocument(): Record<string, unknown> | undefined {
    try {
      return this.isDisabled() ? undefined : (this.serializeMetrics() as Record<string, unknown>);
    } finally {
      this.clearMetrics();
    }
  }
}

/**
 * Calls `visit` with each metric a family's line holds, in its order: the non-zero counts, then, when a
 * handler ran, the handler durations. `bit` is the metric's bit in the line's shape: one per outcome, one
 * (after them) for both durations. The one place that says what a line holds, for its shape, its first
 * build through Powertools and its later refills alike.
 */
const eachMetric = (
  counted: FamilyTally,
  visit: (
    bit: number,
    name: string,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
  ) => void,
) => {
  for (let bit = 0; bit < OUTCOMES.length; bit += 1) {
    const outcome = OUTCOMES[bit] as RecordOutcome;
    const count = counted.counts[outcome];
    if (count > 0) visit(bit, RECORD_METRICS[outcome], MetricUnit.Count, count);
  }
  if (counted.handlerCalls > 0) {
    const bit = OUTCOMES.length;
    visit(bit, HANDLER_DURATION_METRICS.total, MetricUnit.Milliseconds, counted.handlerMsTotal);
    visit(bit, HANDLER_DURATION_METRICS.max, MetricUnit.Milliseconds, counted.handlerMsMax);
  }
};

/** Which metrics a family's line holds, as a bit set ({@link eachMetric}'s bits). */
const shapeOf = (counted: FamilyTally): number => {
  let shape = 0;
  eachMetric(counted, (bit) => {
    shape |= 1 << bit;
  });
  return shape;
};

/**
 * The consumer's metrics: at the end of each invocation, one EMF log line per scope family the batch
 * held (EMF gives a dimension one value per line), with that family's non-zero counts and handler
 * durations. CloudWatch makes the metrics from the log; nothing else is called.
 *
 * Powertools builds each line shape (a family and which of its metrics are present) once per container:
 * its `Metrics` validates the names, units and dimensions and serializes the EMF document. A later line
 * of the same shape is that document with the new values and timestamp: Powertools derives every other
 * field from the shape (names, units, namespace, dimensions). Through Powertools each line cost about
 * 5 µs, as much as the rest of two records' work.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/metrics/
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export const createConsumerMetrics = ({
  write = (text) => process.stdout.write(text),
  defaultDimensions,
  ...options
}: ConsumerMetricsOptions = {}): ConsumerMetrics => {
  /** Per family, its Powertools `Metrics` (its family a default dimension) and its documents by shape. */
  const byFamily = new Map<
    string,
    { metrics: FamilyMetrics; documents: Map<number, Record<string, unknown> | undefined> }
  >();
  const familyOf = (family: string) => {
    let entry = byFamily.get(family);
    if (!entry) {
      entry = {
        metrics: new FamilyMetrics({
          ...options,
          defaultDimensions: { ...defaultDimensions, [METRIC_DIMENSIONS.scopeFamily]: family },
        }),
        documents: new Map(),
      };
      byFamily.set(family, entry);
    }
    return entry;
  };
  /** The family's first line of this shape, through Powertools. */
  const firstDocument = (metrics: FamilyMetrics, counted: FamilyTally) => {
    eachMetric(counted, (_bit, name, unit, value) => metrics.addMetric(name, unit, value));
    return metrics.takeDocument();
  };
  /** A later line of a shape already built: its document with this invocation's values and time. */
  const refill = (document: Record<string, unknown>, counted: FamilyTally) => {
    (document._aws as { Timestamp: number }).Timestamp = Date.now();
    eachMetric(counted, (_bit, name, _unit, value) => {
      document[name] = value;
    });
    return document;
  };
  return {
    publish(tally) {
      let text = '';
      for (const [family, counted] of tally.families) {
        const { metrics, documents } = familyOf(family);
        const shape = shapeOf(counted);
        let document: Record<string, unknown> | undefined;
        if (documents.has(shape)) {
          const built = documents.get(shape);
          document = built && refill(built, counted);
        } else {
          document = firstDocument(metrics, counted);
          documents.set(shape, document);
        }
        // Serialized at once, with no await between refill and here: a document is one invocation's at a time.
        if (document !== undefined) text += `${JSON.stringify(document)}\n`;
      }
      if (text) write(text);
    },
  };
};
