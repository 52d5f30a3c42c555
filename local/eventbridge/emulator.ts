/**
 * Starts the project's EventBridge control-plane emulator: partner event sources, buses, rules, targets,
 * pattern matching and delivery to SQS, with fault injection and inspection for tests.
 */
import { once } from 'node:events';
import type { LogSink } from '../../shared/logger.js';
import { busNameOf } from './arns.js';
import { Delivery, type DeliveryRecord } from './delivery.js';
import { Faults } from './faults.js';
import { createEventBridgeServer, portOf } from './server.js';
import { createSqsSender } from './sqs.js';
import {
  type Behaviour,
  type Bus,
  DEFAULT_BEHAVIOUR,
  EmulatorState,
  type EventRecord,
  type PartnerSource,
  type Rule,
  type TargetRecord,
} from './state.js';

/** The logger the emulator writes to (silent by default). */
export type EmulatorLogger = Pick<LogSink, 'info' | 'warn' | 'error'>;

/** Options of {@link startEventBridgeEmulator}. */
export interface EventBridgeEmulatorOptions {
  /** Port to listen on; 0 picks a free one (tests). Default 4010, the offline stack's port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** Account id in ARNs and event envelopes; default 123456789012 (local-aws-sqs's default). */
  account?: string;
  /** Region in ARNs and event envelopes; default us-east-1. */
  region?: string;
  /** SQS endpoint for delivery; omitted, the SDK's own resolution applies (AWS_ENDPOINT_URL_SQS). */
  sqsEndpoint?: string;
  logger?: EmulatorLogger;
  /** First retry delay of a failed delivery, doubled on each retry; default 1000 ms. */
  retryBaseDelayMs?: number;
  /** Cap on the retry delay; default 60000 ms. */
  retryMaxDelayMs?: number;
  /**
   * Quotas (AWS's defaults: 100 event buses, 300 rules per bus) and consistency: how long a rule or target
   * change takes to reach event matching, and how long deletes still see what was just removed (both 0 by
   * default; the offline stack turns them on).
   */
  behaviour?: Partial<Behaviour>;
  /** The clock delete windows are measured on (epoch ms); default Date.now. Tests pass a fake one. */
  clock?: () => number;
  /** How injected latency faults wait; default a real timer. Tests pass one that records the wait. */
  sleep?: (ms: number) => Promise<unknown>;
}

/** Read-only views of the emulator's state for tests and tooling. */
export interface EmulatorInspection {
  sources(): PartnerSource[];
  buses(): Bus[];
  /** Rules of a bus (name or ARN; default bus when omitted). */
  rules(busName?: string): Rule[];
  targets(ruleName: string, busName?: string): TargetRecord[];
  /** Every accepted event: its bus, the rules it matched, or why it was dropped. */
  events(): EventRecord[];
  /**
   * Every finished delivery: delivered, dead-lettered, failed, dropped (a queue policy refused it), or to an
   * unsupported target.
   */
  deliveries(): readonly DeliveryRecord[];
}

/** A running emulator. */
export interface EventBridgeEmulator {
  /** `http://<host>:<port>`, for the client's `endpoint` or AWS_ENDPOINT_URL_EVENTBRIDGE. */
  url: string;
  port: number;
  account: string;
  region: string;
  /** Fault injection: failing or slow API calls, failing deliveries. */
  faults: Faults;
  inspect: EmulatorInspection;
  /** Calls received per operation (faulted calls included). */
  calls(): Record<string, number>;
  /** Resolves once every delivery started so far, retries and DLQ sends included, has finished. */
  idle(): Promise<void>;
  /** Resolves once every rule and target change made so far reaches event matching (see `behaviour`). */
  settled(): Promise<void>;
  /**
   * Test hook: every partner source still hidden from listings (`behaviour.sourceHiddenForLists`) shows
   * from the next call on, as one does once it has reached the customer's account.
   */
  showSources(): void;
  /** Forgets all state, journals, call counts and faults (the default bus stays). */
  reset(): void;
  /** Stops listening, cuts pending retries short and releases the SQS client. */
  close(): Promise<void>;
}

const SILENT: EmulatorLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Starts the emulator and resolves once it listens. */
export const startEventBridgeEmulator = async (
  options: EventBridgeEmulatorOptions = {},
): Promise<EventBridgeEmulator> => {
  const { port = 4010, host = '127.0.0.1', account = '123456789012', region = 'us-east-1' } = options;
  const logger = options.logger ?? SILENT;
  const state = new EmulatorState({ account, region }, options.clock);
  state.behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
  const faults = new Faults(options.sleep);
  const sender = createSqsSender({
    region,
    ...(options.sqsEndpoint === undefined ? {} : { endpoint: options.sqsEndpoint }),
  });
  const delivery = new Delivery({
    sender,
    faults,
    logger,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1000,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 60_000,
    place: { region, account },
  });
  const counts = new Map<string, number>();
  const server = createEventBridgeServer({
    context: { state, delivery },
    faults,
    logger,
    countCall: (operation) => counts.set(operation, (counts.get(operation) ?? 0) + 1),
  });
  server.listen(port, host);
  await once(server, 'listening');
  const actualPort = portOf(server.address());
  const url = `http://${host}:${actualPort}`;
  logger.info('EventBridge emulator listening', { url, account, region });

  return {
    url,
    port: actualPort,
    account,
    region,
    faults,
    inspect: {
      sources: () => [...state.sources.values()].map((source) => ({ ...source })),
      buses: () => [...state.buses.values()].map((bus) => ({ ...bus })),
      rules: (busName) => [...(state.rules.get(busNameOf(busName))?.values() ?? [])],
      targets: (ruleName, busName) => [
        ...(state.rules.get(busNameOf(busName))?.get(ruleName)?.targets.values() ?? []),
      ],
      events: () => [...state.events],
      deliveries: () => delivery.records(),
    },
    calls: () => Object.fromEntries(counts),
    idle: () => delivery.idle(),
    settled: () => state.settled(),
    showSources: () => {
      for (const source of state.sources.values()) source.hiddenForLists = 0;
    },
    reset: () => {
      state.reset();
      delivery.clear();
      counts.clear();
      faults.clear();
    },
    close: async () => {
      state.stopPropagating();
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), delivery.stop()]);
      sender.close();
    },
  };
};
