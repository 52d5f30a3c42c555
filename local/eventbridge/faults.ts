/**
 * Fault injection for reliability tests: make the next n calls of an operation fail with an AWS error
 * or answer late, and make the next n deliveries to a target fail as if SQS were throttling.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { AwsError, type AwsErrorCode } from './errors.js';

/** A fault on API calls: `operation` is an X-Amz-Target operation name such as 'PutRule', or '*' for all. */
export interface OperationFault {
  operation: string;
  /** The AWS error to answer with; omit for latency only. */
  error?: AwsErrorCode;
  message?: string;
  /** How many matching calls it affects (default 1; Infinity for every call until `clear()`). */
  times?: number;
  /** Delay added before answering each affected call. */
  latencyMs?: number;
  /** Close the connection without answering (after any latency): a network error such as a reset for the caller. */
  drop?: boolean;
}

/** Thrown by {@link Faults.beforeOperation} for a `drop` fault: the server closes the connection unanswered. */
export class ConnectionDropped extends Error {
  override readonly name = 'ConnectionDropped';
}

/** A fault on deliveries: each affected attempt fails before reaching SQS. */
export interface DeliveryFault {
  /** Only deliveries to this target ARN; omit for all targets. */
  targetArn?: string;
  /** The error code the attempt reports (default 'ThrottlingException'). */
  error?: string;
  /** The error message the attempt reports, and the dead-letter message's ERROR_MESSAGE (default 'Injected delivery fault'). */
  message?: string;
  /**
   * Whether the target's RetryPolicy retries it (default true, as for a throttle). False: the event goes
   * to the target's dead-letter queue at once, as EventBridge sends it for an error it does not retry
   * (a KMS key or permission it cannot use, a missing queue).
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  retryable?: boolean;
  /** How many attempts it affects (default 1; Infinity for every attempt until `clear()`). */
  times?: number;
}

interface Armed<T> {
  fault: T;
  remaining: number;
}

/** The fault knob one emulator instance exposes. */
export class Faults {
  /**
   * @param sleep How an injected latency waits; tests pass one that records the wait instead of taking it.
   */
  constructor(private readonly sleep: (ms: number) => Promise<unknown> = wait) {}

  readonly #operations: Armed<OperationFault>[] = [];
  readonly #deliveries: Armed<DeliveryFault>[] = [];

  /** Arms a fault for the next `times` calls of an operation. */
  inject(fault: OperationFault): void {
    this.#operations.push({ fault, remaining: fault.times ?? 1 });
  }

  /** Arms a failure for the next `times` delivery attempts (to one target, or any). */
  injectDelivery(fault: DeliveryFault): void {
    this.#deliveries.push({ fault, remaining: fault.times ?? 1 });
  }

  /** Disarms every fault. */
  clear(): void {
    this.#operations.length = 0;
    this.#deliveries.length = 0;
  }

  /** The faults still armed, with how many calls each has left. */
  pending(): { operations: OperationFault[]; deliveries: DeliveryFault[] } {
    const left = <T>({ fault, remaining }: Armed<T>): T => ({ ...fault, times: remaining });
    return { operations: this.#operations.map(left), deliveries: this.#deliveries.map(left) };
  }

  /** Called before each operation: waits the injected latency, then throws the injected drop or error, if any. */
  async beforeOperation(operation: string): Promise<void> {
    const armed = take(this.#operations, ({ operation: target }) => target === '*' || target === operation);
    if (armed === undefined) return;
    if (armed.latencyMs !== undefined && armed.latencyMs > 0) await this.sleep(armed.latencyMs);
    if (armed.drop === true) throw new ConnectionDropped(`Injected connection drop for ${operation}`);
    if (armed.error !== undefined) {
      throw new AwsError(armed.error, armed.message ?? `Injected ${armed.error} for ${operation}`);
    }
  }

  /** Called before each delivery attempt: the fault to fail it with, if one is armed for the target. */
  deliveryFailure(targetArn: string): DeliveryFault | undefined {
    return take(this.#deliveries, (fault) => fault.targetArn === undefined || fault.targetArn === targetArn);
  }
}

const take = <T>(armed: Armed<T>[], matches: (fault: T) => boolean): T | undefined => {
  const index = armed.findIndex((entry) => matches(entry.fault));
  const entry = armed[index];
  if (entry === undefined) return undefined;
  entry.remaining -= 1;
  if (entry.remaining <= 0) armed.splice(index, 1);
  return entry.fault;
};
