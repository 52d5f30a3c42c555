/**
 * The soak's verdict, computed only from what the handlers and the queues themselves left behind: the
 * function's JSON log lines (each carries the record's `hash` and EventBridge id) and the DLQ's bodies,
 * never from counters the consumer keeps about itself.
 */
import type { PlannedEvent } from './plan.js';

/** One fired event: its plan, the payload the sandbox built, when its first copy was fired. */
export interface FiredEvent {
  event: PlannedEvent;
  hash: string;
  /** The BigCommerce payload as fired (the `detail` a DLQ body must still carry). */
  payload: unknown;
  firedAtMs: number;
  /** EventBridge ids of every copy put on the bus. */
  eventIds: string[];
}

/** The fields of a function log line the soak reads. */
export interface LogEntry {
  level?: string;
  message?: string;
  hash?: string;
  eventBridgeId?: string;
  messageId?: string;
  timestamp?: string;
}

export interface SoakFigures {
  fired: number;
  /** Copies put on the bus (fired + duplicates). */
  firedCopies: number;
  handled: number;
  /** Events acknowledged with no handler (each must be acknowledged). */
  acknowledgedNoHandler: number;
  lost: number;
  doubled: number;
  dlq: number;
  /** Events EventBridge could not deliver and put in the rule target's dead-letter queue: not lost. */
  targetDlq: number;
  /** DLQ events that were not schema violations, or violations whose handler ran. */
  unexpected: number;
  /** DLQ bodies whose `detail` is not the payload as fired. */
  altered: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /**
   * Ids (`data.id`) of the first few events lost, doubled or unexpected, to look them up in the logs, and
   * the first few DLQ bodies that are none of the fired events (cut to 300 characters).
   */
  examples: { lost: number[]; doubled: number[]; unexpected: number[]; strangers: string[] };
}

/** The value at percentile `p` (nearest rank) of ascending `sorted`; 0 when empty. */
export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

const NO_HANDLER_MESSAGE = 'acknowledged an event whose scope has no handler';
/** INFO lines the consumer and its BigCommerce client log under a record's keys: none is a handler run. */
const CONSUMER_INFO = new Set([
  'duplicate event skipped',
  "waiting for the store's BigCommerce rate-limit window to reset",
]);

/** Parses a line of the functions' output as a log entry, or undefined when it is not one. */
export const parseLogLine = (line: string): LogEntry | undefined => {
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const entry = JSON.parse(line.slice(start)) as unknown;
    return typeof entry === 'object' && entry !== null ? (entry as LogEntry) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Counts, per fired event, the handler runs (INFO lines a handler logged for its hash; the consumer's own
 * "duplicate event skipped" is not one), the no-handler acknowledgements and the DLQ copies, and turns
 * them into the figures: an event is lost when its expected outcome never happened (for a violation:
 * fewer DLQ copies than were fired), doubled when its handler ran more than once.
 */
export const tally = (
  fired: FiredEvent[],
  log: LogEntry[],
  dlqBodies: string[],
  /** EventBridge ids of the events the emulator dead-lettered (the same DLQ may hold both kinds). */
  targetDeadLettered: ReadonlySet<string> = new Set(),
): SoakFigures => {
  const byHash = new Map(fired.map((entry) => [entry.hash, entry]));
  const runs = new Map<string, number[]>();
  const acknowledged = new Set<string>();
  for (const entry of log) {
    if (!entry.hash || !byHash.has(entry.hash)) continue;
    if (entry.level === 'INFO' && !CONSUMER_INFO.has(entry.message ?? '')) {
      const at = entry.timestamp ? Date.parse(entry.timestamp) : Number.NaN;
      runs.set(entry.hash, [...(runs.get(entry.hash) ?? []), at]);
    }
    if (entry.level === 'WARN' && entry.message === NO_HANDLER_MESSAGE) acknowledged.add(entry.hash);
  }
  const dead = new Map<string, number>();
  const undeliverable = new Map<string, number>();
  let altered = 0;
  const strangers: string[] = [];
  for (const body of dlqBodies) {
    const message = parseLogLine(body) as { id?: string; detail?: { hash?: string } } | undefined;
    const detail = message?.detail;
    const entry = detail?.hash ? byHash.get(detail.hash) : undefined;
    if (!entry || !detail?.hash) {
      strangers.push(body.slice(0, 300));
      continue;
    }
    const counts = message?.id && targetDeadLettered.has(message.id) ? undeliverable : dead;
    counts.set(detail.hash, (counts.get(detail.hash) ?? 0) + 1);
    if (JSON.stringify(detail) !== JSON.stringify(entry.payload)) altered += 1;
  }

  const lost: number[] = [];
  const doubled: number[] = [];
  const unexpected: number[] = [];
  const latencies: number[] = [];
  let handled = 0;
  let lastRun = 0;
  for (const entry of fired) {
    const times = runs.get(entry.hash) ?? [];
    const id = entry.event.id;
    if (times.length > 1) doubled.push(id);
    const undelivered = undeliverable.get(entry.hash) ?? 0;
    if (entry.event.expect === 'handled') {
      if (times.length === 0) {
        if (undelivered === 0) lost.push(id);
      } else {
        handled += 1;
        const first = Math.min(...times);
        latencies.push(Math.max(0, first - entry.firedAtMs));
        lastRun = Math.max(lastRun, first);
      }
      if (dead.has(entry.hash)) unexpected.push(id);
    } else if (entry.event.expect === 'no-handler') {
      if (!acknowledged.has(entry.hash) && undelivered === 0) lost.push(id);
      if (times.length > 0 || dead.has(entry.hash)) unexpected.push(id);
    } else {
      if ((dead.get(entry.hash) ?? 0) + undelivered < entry.event.copies) lost.push(id);
      if (times.length > 0) unexpected.push(id);
    }
  }
  latencies.sort((a, b) => a - b);
  const firstFired = Math.min(...fired.map((entry) => entry.firedAtMs));
  const seconds = (lastRun - firstFired) / 1000;
  return {
    fired: fired.length,
    firedCopies: fired.reduce((sum, entry) => sum + entry.event.copies, 0),
    handled,
    acknowledgedNoHandler: fired.filter((entry) => acknowledged.has(entry.hash)).length,
    lost: lost.length,
    doubled: doubled.length,
    dlq: dead.size,
    targetDlq: undeliverable.size,
    unexpected: unexpected.length + strangers.length,
    altered,
    eventsPerSecond: seconds > 0 ? Math.round((handled / seconds) * 10) / 10 : 0,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    },
    examples: {
      lost: lost.slice(0, 10),
      doubled: doubled.slice(0, 10),
      unexpected: unexpected.slice(0, 10),
      strangers: strangers.slice(0, 3),
    },
  };
};

/** True when the soak held: nothing lost, nothing doubled, the DLQ exactly the violations, intact. */
export const held = (figures: SoakFigures) =>
  figures.lost === 0 && figures.doubled === 0 && figures.unexpected === 0 && figures.altered === 0;
