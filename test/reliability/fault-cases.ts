import type { AwsErrorCode } from '../../local/eventbridge/index.js';
import type { Fault } from '../../local/sandbox/faults.js';
import { provision } from '../../shared/provisioning/provision.js';
import type { Step } from '../../shared/provisioning/types.js';
import { settings } from '../helpers/provision-harness.js';
import { type Chain, GRAPHQL_TIMEOUT_MS } from './chain.js';

/** One fault injected at one call of the chain, and what the runs must show. */
export interface FaultCase {
  /** What went wrong, as printed in the table. */
  fault: string;
  /** The call it hit: a GraphQL operation or an EventBridge API operation. */
  call: string;
  /** The step a failed run must name. */
  step: Step;
  /** Runs until the chain converged: 1 when the retries absorbed the fault. */
  runs: 1 | 2;
  /** How the failed run's cause is classified (only for `runs: 2`). */
  cause?: 'TransientError' | 'PermanentError' | 'AccessRefusedError';
  /** State to start from (default: nothing provisioned). */
  prepare?: (chain: Chain) => Promise<void>;
  inject: (chain: Chain) => void;
  /** A late request may still land after the run: wait this long before counting. */
  settleMs?: number;
  /** Waits the GraphQL retries must have made (e.g. the announced rate-limit reset). */
  waits?: number[];
}

const RESET_MS = 30;

/** Provisions, then deactivates every webhook: the next run has to reactivate them. */
const provisionedButInactive = async (chain: Chain) => {
  await provision(chain.request(), settings, chain.deps);
  for (const hook of chain.sandbox.state.webhooks) hook.isActive = false;
};

const graphqlCases = (
  call: string,
  options: { mutation: boolean; prepare?: (chain: Chain) => Promise<void> },
): FaultCase[] => {
  const step: Step = call === 'createEventSource' ? 'source' : 'webhooks';
  const at =
    (fault: Fault) =>
    (chain: Chain): void =>
      chain.sandbox.faults.add({ match: call, ...fault });
  const base = { call, step, ...(options.prepare && { prepare: options.prepare }) };
  const cases: FaultCase[] = [
    {
      ...base,
      fault: `429, X-Rate-Limit-Time-Reset-Ms ${RESET_MS} (x2)`,
      runs: 1,
      inject: at({ status: 429, resetMs: RESET_MS, times: 2 }),
      waits: [RESET_MS, RESET_MS],
    },
    { ...base, fault: 'HTTP 503 (x2)', runs: 1, inject: at({ status: 503, times: 2 }) },
    {
      ...base,
      fault: `timeout (answer after ${GRAPHQL_TIMEOUT_MS * 2} ms)`,
      runs: 1,
      inject: at({ delayMs: GRAPHQL_TIMEOUT_MS * 2 }),
      settleMs: GRAPHQL_TIMEOUT_MS * 2,
    },
    { ...base, fault: 'connection reset (x2)', runs: 1, inject: at({ drop: true, times: 2 }) },
    {
      ...base,
      fault: 'HTTP 503 (x4, beyond the 4 attempts)',
      runs: 2,
      cause: 'TransientError',
      inject: at({ status: 503, times: 4 }),
    },
    { ...base, fault: 'HTTP 403', runs: 2, cause: 'AccessRefusedError', inject: at({ status: 403 }) },
  ];
  if (options.mutation) {
    cases.push({
      ...base,
      fault: 'HTTP 500 after the change was made',
      runs: 1,
      inject: at({ status: 500, afterExecute: true }),
    });
  }
  return cases;
};

const AWS_CALLS: { call: string; step: Step }[] = [
  { call: 'ListEventSources', step: 'source' },
  // The ownership step reads the bus first, before the bus step does.
  { call: 'DescribeEventBus', step: 'ownership' },
  { call: 'CreateEventBus', step: 'bus' },
  { call: 'DescribeRule', step: 'rule' },
  { call: 'PutRule', step: 'rule' },
  { call: 'ListTargetsByRule', step: 'target' },
  { call: 'PutTargets', step: 'target' },
];

const awsCases = ({ call, step }: { call: string; step: Step }): FaultCase[] => {
  const at =
    (error: AwsErrorCode, times: number) =>
    (chain: Chain): void =>
      chain.emulator.faults.inject({ operation: call, error, times });
  return [
    { call, step, fault: 'ThrottlingException', runs: 1, inject: at('ThrottlingException', 1) },
    { call, step, fault: 'InternalException (x2)', runs: 1, inject: at('InternalException', 2) },
    {
      call,
      step,
      fault: 'ValidationException',
      runs: 2,
      cause: 'PermanentError',
      inject: at('ValidationException', 1),
    },
  ];
};

/** Every fault at every call of the chain, BigCommerce first, then EventBridge, in chain order. */
export const FAULT_CASES: FaultCase[] = [
  ...graphqlCases('createEventSource', { mutation: true }),
  ...graphqlCases('listWebhooks', { mutation: false }),
  ...graphqlCases('createEventBridgeWebhook', { mutation: true }),
  ...graphqlCases('updateEventBridgeWebhook', { mutation: true, prepare: provisionedButInactive }),
  ...AWS_CALLS.flatMap(awsCases),
  {
    call: 'CreateEventBus',
    step: 'bus',
    fault: 'InternalException (x3, beyond the SDK attempts)',
    runs: 2,
    cause: 'TransientError',
    inject: (chain) =>
      chain.emulator.faults.inject({ operation: 'CreateEventBus', error: 'InternalException', times: 3 }),
  },
];
