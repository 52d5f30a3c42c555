/**
 * Runs one soak against the offline stack as `npm start` runs it (the consume bundle under serverless
 * offline, fed by the event source mapping): provisions the sandbox store, fires the planned events
 * through sandbox -> EventBridge emulator -> SQS, waits until the queue is quiet, and tallies what the
 * handlers logged and what reached the DLQ.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SUBSCRIBED_SCOPES } from '../../shared/bigcommerce/scopes/subscribed.js';
import { SANDBOX_STORE, type Stack, type StackOptions, startStack } from '../stack.js';
import { sqsArn } from '../stack-config.js';
import {
  armCrash,
  armDeliveryFailure,
  armHandlerFailure,
  armUndeliverable,
  dedupeOutageRow,
  deliverySummary,
  killedInvocations,
  messagesWith,
  type SoakFaults,
  undeliverableRow,
} from './faults.js';
import { NO_HANDLER_SCOPE, type PlannedEvent, planSoak, seededRandom } from './plan.js';
import { copyService } from './service-copy.js';
import { type FiredEvent, type LogEntry, parseLogLine, type SoakFigures, tally } from './tally.js';

export interface SoakOptions {
  events: number;
  /** Events fired per second; 0 or absent: as fast as the stack takes them. */
  rate?: number;
  /** Share (0-1) of the events fired twice. */
  duplicates: number;
  seed?: number;
  faults?: SoakFaults;
  ports?: StackOptions['ports'];
  /**
   * consume's timeout, serverless.yml's `consumeTimeout` parameter (default 5 s): a killed invocation's
   * dedupe locks last until then.
   */
  consumeTimeoutSeconds?: number;
  /** Batches consume runs at once (default 5, as Lambda's SQS pollers start with). */
  consumeConcurrency?: number;
  /**
   * Seconds before a failed or unanswered record comes back (default: the function's timeout + 2 s): longer
   * than the function timeout, as AWS requires of the deployed queue, so a record is not received again while
   * its first run may still work, and a killed run's lock (its deadline) has lapsed when it comes back.
   */
  visibilityTimeoutSeconds?: number;
  /**
   * The sandbox store's BigCommerce quota, requests per 30 s window (default: 10^9, so the soak measures
   * the chain, not the store's plan). At BigCommerce's 150 the client waits for the window's reset inside
   * the invocation, up to its timeout: give such a soak a visibility timeout above the function's 30 s,
   * as AWS requires, or the record comes back while its first run still waits.
   */
  storeQuota?: number;
  /** Fire requests in flight at once (default 8). */
  concurrency?: number;
  /** Give up waiting for the queue to drain after this long (default: 120 s + 30 ms per event). */
  timeoutMs?: number;
  say?: (line: string) => void;
  /** Every line of the functions' output, e.g. to keep them in a file for a soak that failed. */
  functionLine?: (line: string) => void;
}

export interface SoakResult {
  figures: SoakFigures;
  faults: Record<string, unknown>;
  /** From the first fire to the quiet queue. */
  durationMs: number;
  /** True when the queue drained before the timeout. */
  drained: boolean;
  /**
   * Invocations that failed as a whole (a diagnostic, not a figure): e.g. `Cannot find module` when
   * another serverless run in the same work tree rebuilt or removed the `.esbuild` bundle mid-soak.
   */
  failedInvocations: { count: number; first?: string };
}

interface Shot {
  event: PlannedEvent;
  order: number;
}

/** The order copies are fired in: each second copy some way behind its first, as a redelivery would be. */
export const firingOrder = (events: PlannedEvent[], seed: number): PlannedEvent[] => {
  const random = seededRandom(seed + 1);
  const shots: Shot[] = events.flatMap((event, index) => {
    const first = { event, order: index };
    return event.copies === 2 ? [first, { event, order: index + 1 + random() * 100 }] : [first];
  });
  return shots.sort((a, b) => a.order - b.order).map((shot) => shot.event);
};

const provision = async (stack: Stack) => {
  const response = await fetch(`${stack.offline?.httpUrl ?? ''}/provision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      storeHash: SANDBOX_STORE.storeHash,
      scopes: [...SUBSCRIBED_SCOPES, NO_HANDLER_SCOPE],
      allowUnhandled: true,
    }),
  });
  const body = (await response.json()) as { converged?: boolean };
  if (response.status !== 200 || !body.converged)
    throw new Error(`provision answered ${response.status}: ${JSON.stringify(body)}`);
};

/** Fires every copy, `concurrency` at a time and at most `rate` per second, recording each event once. */
const fireAll = async (stack: Stack, events: PlannedEvent[], options: SoakOptions) => {
  const order = firingOrder(events, options.seed ?? 1);
  const fired = new Map<number, FiredEvent>();
  const random = seededRandom((options.seed ?? 1) + 2);
  const share = options.faults?.handlerFailures ?? 0;
  const faulted = { events: 0, attempts: 0 };
  const armed = new Set<number>();
  const deliveryShare = options.faults?.deliveryFailures ?? 0;
  const undeliverableShare = options.faults?.undeliverable ?? 0;
  // A generator of its own, so adding this fault leaves the others' draws (and a seed's soak) as they were.
  const undeliverableRandom = seededRandom((options.seed ?? 1) + 4);
  const targetArn = sqsArn(stack.queues.queueName);
  const start = Date.now();
  const outageMs = (options.faults?.dedupeOutageSeconds ?? 0) * 1000;
  const outage: { startedAtMs?: number } = {};
  let next = 0;
  const fireOne = async (event: PlannedEvent, index: number) => {
    if (outageMs > 0 && stack.dynamoFaults && index === Math.floor(order.length / 4)) {
      stack.dynamoFaults.outage(outageMs);
      outage.startedAtMs = Date.now();
    }
    if (options.rate) {
      const due = start + (index * 1000) / options.rate;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    if (share > 0 && !armed.has(event.id)) {
      armed.add(event.id);
      const attempts = armHandlerFailure(stack.sandbox.faults, event, share, random);
      faulted.events += attempts > 0 ? 1 : 0;
      faulted.attempts += attempts;
    }
    if (deliveryShare > 0) armDeliveryFailure(stack.eventBridge.faults, targetArn, deliveryShare, random);
    if (undeliverableShare > 0)
      armUndeliverable(stack.eventBridge.faults, targetArn, undeliverableShare, undeliverableRandom);
    const firedAtMs = Date.now();
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        storeHash: SANDBOX_STORE.storeHash,
        scope: event.scope,
        data: event.data,
        createdAt: event.createdAt,
      }),
    });
    const body = (await response.json()) as {
      payload?: { hash?: string };
      delivered?: { eventId?: string }[];
    };
    if (!response.ok || !body.payload?.hash)
      throw new Error(`fire ${event.scope} answered ${response.status}: ${JSON.stringify(body)}`);
    const ids = (body.delivered ?? []).flatMap((entry) => (entry.eventId ? [entry.eventId] : []));
    const known = fired.get(event.id);
    if (known) known.eventIds.push(...ids);
    else
      fired.set(event.id, {
        event,
        hash: body.payload.hash,
        payload: body.payload,
        firedAtMs,
        eventIds: ids,
      });
  };
  const worker = async () => {
    while (next < order.length) {
      const index = next;
      next += 1;
      const event = order[index];
      if (event) await fireOne(event, index);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { fired: [...fired.values()], handlerFailures: faulted, outage };
};

const queueUrl = async (sqs: SQSClient, name: string) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`queue ${name} not found`);
  return QueueUrl;
};

const messagesIn = async (sqs: SQSClient, url: string) => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
};

/**
 * Resolves true once EventBridge has finished every delivery and the queue has held nothing (visible or
 * in flight) for three checks in a row; false at `deadline`.
 */
const untilQuiet = async (stack: Stack, deadline: number) => {
  const url = await queueUrl(stack.sqs, stack.queues.queueName);
  let quietChecks = 0;
  while (Date.now() < deadline) {
    await stack.eventBridge.idle();
    quietChecks = (await messagesIn(stack.sqs, url)) === 0 ? quietChecks + 1 : 0;
    if (quietChecks >= 3) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
};

/** A DLQ message as the soak reads it: its body, and its string message attributes by name. */
interface DeadLetter {
  body: string;
  attributes: Record<string, string | undefined>;
}

/** Every message in the DLQ, each received once (hidden for the rest of the soak after its receive). */
const drainDeadLetters = async (sqs: SQSClient, name: string) => {
  const url = await queueUrl(sqs, name);
  const messages: DeadLetter[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 3600,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return messages;
    messages.push(
      ...Messages.map((message) => ({
        body: message.Body ?? '',
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [key, value.StringValue]),
        ),
      })),
    );
  }
};

/** The EventBridge id of a DLQ body that is an event (the rule target's dead letters are), if any. */
const eventIdOf = (body: string) => {
  const event = parseLogLine(body) as { id?: unknown } | undefined;
  return typeof event?.id === 'string' ? event.id : undefined;
};

/** Runs one soak on a stack of its own and stops it; the figures say whether anything was lost or doubled. */
export const runSoak = async (options: SoakOptions): Promise<SoakResult> => {
  const say = options.say ?? (() => undefined);
  const log: LogEntry[] = [];
  const failedInvocations: SoakResult['failedInvocations'] = { count: 0 };
  const faultOptions = options.faults ?? {};
  const consumeTimeoutSeconds = options.consumeTimeoutSeconds ?? 5;
  const crashes = killedInvocations();
  const crashRandom = seededRandom((options.seed ?? 1) + 3);
  let crashesArmed = 0;
  /** Each batch's armed stall, by its first record's message id, disarmed when the batch ends. */
  const disarms = new Map<string, () => void>();
  const service = copyService('soak');
  let stack: Stack;
  try {
    stack = await startStack({
      onBatch: (report) => {
        crashes.onBatch(report);
        // A stall none of the batch's records took (none put a lock) is not left for another batch.
        const first = report.records[0]?.messageId;
        if (first !== undefined) {
          disarms.get(first)?.();
          disarms.delete(first);
        }
        if (!report.error || report.received === 0) return;
        failedInvocations.count += 1;
        failedInvocations.first ??= report.error.slice(0, 300);
      },
      onInvoke: (records) => {
        if (!faultOptions.crashRate || !stack.dynamoFaults) return;
        const disarm = armCrash(
          stack.dynamoFaults,
          faultOptions.crashRate,
          crashRandom,
          records,
          crashes.killed.records,
        );
        const first = records[0]?.messageId;
        if (disarm && first !== undefined) disarms.set(first, disarm);
        crashesArmed += disarm ? 1 : 0;
      },
      consume: 'serverless-offline',
      ports: options.ports,
      serverlessCwd: service.dir,
      // A crashed invocation's dedupe locks last until the function's deadline: a soak that kills them
      // needs a timeout of seconds, not the deployed 30 s, or each killed batch waits half a minute.
      serverlessParams: { consumeTimeout: String(consumeTimeoutSeconds) },
      consumeConcurrency: options.consumeConcurrency ?? 5,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? consumeTimeoutSeconds + 2,
      dynamoFaults: Boolean(faultOptions.crashRate || faultOptions.dedupeOutageSeconds),
      output: (part, line) => {
        if (part !== 'functions') return;
        options.functionLine?.(line);
        const entry = parseLogLine(line);
        if (entry?.hash) log.push(entry);
      },
    });
  } catch (error) {
    service.remove();
    throw error;
  }
  try {
    stack.sandbox.quota.configure({ requests: options.storeQuota ?? 1_000_000_000 });
    await provision(stack);
    await stack.eventBridge.settled();
    const events = planSoak({ events: options.events, duplicates: options.duplicates, seed: options.seed });
    say(`soak: firing ${events.length} events (${events.filter((e) => e.copies === 2).length} twice)...`);
    const started = Date.now();
    const { fired, handlerFailures, outage } = await fireAll(stack, events, options);
    say(`soak: fired in ${Date.now() - started} ms; waiting for the queue to be quiet...`);
    const drained = await untilQuiet(stack, started + (options.timeoutMs ?? 120_000 + 30 * events.length));
    const durationMs = Date.now() - started;
    const deadLetters = await drainDeadLetters(stack.sqs, stack.queues.dlqName);
    const dlqBodies = deadLetters.map((message) => message.body);
    const faults: Record<string, unknown> = {};
    if (faultOptions.handlerFailures) {
      faults.handlerFailures = {
        share: faultOptions.handlerFailures,
        eventsFaulted: handlerFailures.events,
        handlerAttemptsFailed: handlerFailures.attempts,
        fetchesAnswered503: stack.sandbox.restCalls.filter((call) => call.status === 503).length,
      };
    }
    const deliveries = stack.eventBridge.inspect.deliveries();
    if (faultOptions.deliveryFailures)
      faults.deliveryFailures = {
        share: faultOptions.deliveryFailures,
        ...deliverySummary([...deliveries]),
      };
    if (faultOptions.undeliverable)
      faults.undeliverable = undeliverableRow(
        faultOptions.undeliverable,
        deliveries,
        deadLetters.map((message) => ({ id: eventIdOf(message.body), attributes: message.attributes })),
      );
    const table = stack.dynamoFaults?.counts();
    if (faultOptions.crashRate && table) {
      faults.crashes = {
        share: faultOptions.crashRate,
        functionTimeoutSeconds: consumeTimeoutSeconds,
        crashesArmed,
        locksLeftHeld: table.stalledLocks,
        invocationsKilled: crashes.killed.invocations,
        recordsInKilledInvocations: crashes.killed.records.size,
        workersGone: table.stalledCallersGone,
        // A killed batch's records that had run came back as duplicates; a record whose lock the killed
        // run held came back after the lock lapsed, or met it first and was retried once more.
        redeliveredAlreadyDone: messagesWith(log, 'INFO', 'duplicate event skipped', crashes.killed.records),
        metAnotherRunsLock: messagesWith(
          log,
          'WARN',
          'duplicate event in progress in another invocation; the record will be retried',
          crashes.killed.records,
        ),
      };
    }
    if (faultOptions.dedupeOutageSeconds && table) {
      faults.dedupeOutage = dedupeOutageRow(
        {
          seconds: faultOptions.dedupeOutageSeconds,
          startedAfterMs: outage.startedAtMs === undefined ? undefined : outage.startedAtMs - started,
          callsRefused: table.refused,
        },
        log,
      );
    }
    const targetDeadLettered = new Set(
      deliveries.filter((record) => record.outcome === 'dead-lettered').map((record) => record.eventId),
    );
    return {
      figures: tally(fired, log, dlqBodies, targetDeadLettered),
      faults,
      durationMs,
      drained,
      failedInvocations,
    };
  } finally {
    await stack.stop();
    service.remove();
  }
};
