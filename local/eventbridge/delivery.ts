/**
 * Delivery of matched events to SQS targets, honouring each target's RetryPolicy and DeadLetterConfig and
 * the queue policy of the target and of its dead-letter queue. Errors AWS does not retry (the queue does not
 * exist, the queue policy does not admit the rule) go straight to the dead-letter queue, if its own policy
 * admits the rule; otherwise the event is dropped.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogSink } from '../../shared/logger.js';
import { sqsQueueNameOf } from './arns.js';
import type { EventEnvelope } from './event.js';
import type { Faults } from './faults.js';
import { evaluatePolicy } from './policy.js';
import type { QueueSender } from './sqs.js';
import type { Rule, TargetRecord } from './state.js';

/**
 * What finally happened to one event for one target: `failed` is lost for want of a dead-letter queue or
 * because sending to it failed; `dropped` is lost because a queue policy refused it (the target's, with no
 * dead-letter queue, or the dead-letter queue's).
 */
export type DeliveryOutcome = 'delivered' | 'dead-lettered' | 'failed' | 'dropped' | 'unsupported-target';

/** One event's delivery to one target, for inspection by tests. */
export interface DeliveryRecord {
  eventId: string;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  outcome: DeliveryOutcome;
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  deadLetterArn?: string;
  /** Why the dead-letter queue did not take the event (outcome `dropped` or `failed`). */
  deadLetterError?: string;
}

/** Tuning for {@link Delivery}. */
export interface DeliveryOptions {
  sender: QueueSender;
  faults: Faults;
  logger: Pick<LogSink, 'info' | 'warn' | 'error'>;
  /** Delay before the first retry; doubles on each retry up to `retryMaxDelayMs`. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Where the emulator is: a target or DLQ of another partition, region or account does not resolve. */
  place?: { partition?: string; region: string; account: string };
}

/** AWS defaults: 185 retries over at most 24 hours. */
const DEFAULT_MAX_RETRIES = 185;
const DEFAULT_MAX_AGE_SECONDS = 86_400;

const NOT_RETRIED = new Set([
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'AccessDenied',
  'AccessDeniedException',
  'InvalidParameterValue',
  'KmsAccessDenied',
]);

/**
 * The ERROR_CODE EventBridge puts on a dead-letter message when a resource policy refuses the delivery.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 */
export const NO_PERMISSIONS = 'NO_PERMISSIONS';

/** The ERROR_CODE when the target does not exist: no such queue, or one of another account or region. */
export const NO_RESOURCE = 'NO_RESOURCE';

const MISSING_QUEUE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

/** The principal, action and condition keys with which EventBridge sends to a queue for a rule. */
const sendRequest = (rule: Rule, queueArn: string) => ({
  service: 'events.amazonaws.com',
  action: 'sqs:SendMessage',
  resource: queueArn,
  context: { 'aws:SourceArn': rule.arn, 'aws:SourceAccount': rule.arn.split(':')[4] ?? '' },
});

interface Failure {
  code: string;
  message: string;
  retryable: boolean;
}

/** EXHAUSTED_RETRY_CONDITION as AWS documents it; absent when the error is not retried at all. */
type Exhausted = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/** Sends matched events to their targets in the background and lets tests await the outcome. */
export class Delivery {
  readonly #inFlight = new Set<Promise<void>>();
  readonly #records: DeliveryRecord[] = [];
  readonly #stopping = new AbortController();

  constructor(private readonly options: DeliveryOptions) {}

  /** Starts delivering `event` to every target of `rule`; returns at once. */
  dispatch(event: EventEnvelope, rule: Rule): void {
    for (const target of rule.targets.values()) {
      const delivery = this.#deliver(event, rule, target).catch((error: unknown) => {
        this.options.logger.error('delivery crashed', { eventId: event.id, error: String(error) });
      });
      this.#inFlight.add(delivery);
      void delivery.finally(() => this.#inFlight.delete(delivery));
    }
  }

  /** Resolves once every delivery started so far (including retries and DLQ sends) has finished. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Every finished delivery, oldest first. */
  records(): readonly DeliveryRecord[] {
    return [...this.#records];
  }

  /** Cuts pending retry waits short (the deliveries end as 'failed') and waits for the rest to finish. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.idle();
  }

  /** Forgets the finished deliveries. */
  clear(): void {
    this.#records.length = 0;
  }

  async #deliver(event: EventEnvelope, rule: Rule, target: TargetRecord): Promise<void> {
    const base = { eventId: event.id, ruleArn: rule.arn, targetId: target.Id, targetArn: target.Arn };
    const queueName = sqsQueueNameOf(target.Arn);
    if (queueName === undefined) {
      this.options.logger.warn('only SQS targets are delivered; skipping', base);
      this.#records.push({ ...base, outcome: 'unsupported-target', attempts: 0 });
      return;
    }
    const body = bodyFor(event, target);
    const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
    const deadline =
      Date.now() + (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
    for (let attempts = 1; ; attempts += 1) {
      const failure = await this.#attempt(rule, target.Arn, queueName, body);
      if (failure === undefined) {
        this.options.logger.info('event delivered', { ...base, queueName, attempts });
        this.#records.push({ ...base, outcome: 'delivered', attempts });
        return;
      }
      const delay = Math.min(
        this.options.retryBaseDelayMs * 2 ** (attempts - 1),
        this.options.retryMaxDelayMs,
      );
      const exhausted = !failure.retryable
        ? undefined
        : attempts > maxRetries
          ? 'MaximumRetryAttempts'
          : Date.now() + delay > deadline
            ? 'MaximumEventAgeInSeconds'
            : 'retry';
      if (exhausted !== 'retry') {
        await this.#giveUp(event, rule, target, { ...base, attempts }, failure, exhausted);
        return;
      }
      const stopped = await sleep(delay, false, { signal: this.#stopping.signal }).catch(() => true);
      if (stopped) {
        this.#records.push({
          ...base,
          outcome: 'failed',
          attempts,
          errorCode: failure.code,
          errorMessage: 'emulator closed',
        });
        return;
      }
    }
  }

  async #attempt(
    rule: Rule,
    targetArn: string,
    queueName: string,
    body: string,
  ): Promise<Failure | undefined> {
    const injected = this.options.faults.deliveryFailure(targetArn);
    if (injected !== undefined)
      return {
        code: injected.error ?? 'ThrottlingException',
        message: injected.message ?? 'Injected delivery fault',
        retryable: injected.retryable ?? true,
      };
    const elsewhere = this.#elsewhere(targetArn);
    if (elsewhere !== undefined) return { code: NO_RESOURCE, message: elsewhere, retryable: false };
    try {
      const refused = await this.#refusal(rule, queueName);
      if (refused !== undefined) return { code: NO_PERMISSIONS, message: refused, retryable: false };
      await this.options.sender.send(queueName, body);
      return undefined;
    } catch (error) {
      const code = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      if (MISSING_QUEUE.has(code))
        return { code: NO_RESOURCE, message: `${code}: ${message}`, retryable: false };
      return { code, message, retryable: !NOT_RETRIED.has(code) };
    }
  }

  /**
   * Why a queue ARN does not resolve here: targets and DLQs are found by their full ARN, so one of another
   * partition, region or account is not this account's queue of that name. Undefined when it is here.
   */
  #elsewhere(queueArn: string): string | undefined {
    const place = this.options.place;
    if (!place) return undefined;
    const [, partition, , region, account] = queueArn.split(':');
    if (partition === (place.partition ?? 'aws') && region === place.region && account === place.account) {
      return undefined;
    }
    return `${queueArn} is not a queue of this emulator's account ${place.account} in ${place.region}`;
  }

  /** Why the queue's policy refuses EventBridge sending for `rule`, or undefined when it admits it. */
  async #refusal(rule: Rule, queueName: string): Promise<string | undefined> {
    const { arn, policy } = await this.options.sender.access(queueName);
    const decision = evaluatePolicy(policy, sendRequest(rule, arn));
    return decision.allowed ? undefined : decision.reason;
  }

  async #giveUp(
    event: EventEnvelope,
    rule: Rule,
    target: TargetRecord,
    base: Omit<DeliveryRecord, 'outcome'>,
    failure: Failure,
    exhausted: Exhausted | undefined,
  ): Promise<void> {
    const failed = { ...base, errorCode: failure.code, errorMessage: failure.message };
    const deadLetterArn = target.DeadLetterConfig?.Arn;
    const deadLetterQueue = deadLetterArn === undefined ? undefined : sqsQueueNameOf(deadLetterArn);
    const denied = failure.code === NO_PERMISSIONS;
    if (deadLetterArn === undefined || deadLetterQueue === undefined) {
      this.options.logger.error('delivery failed and the target has no dead-letter queue', failed);
      this.#records.push({ ...failed, outcome: denied ? 'dropped' : 'failed' });
      return;
    }
    // The DLQ message's attributes, as AWS lists them on the page above. An error that is not retried (a
    // refusal, a missing queue) exhausts no retry condition, so EXHAUSTED_RETRY_CONDITION is left out: a
    // guess, as that page does not say what AWS sends then.
    const attributes: Record<string, string> = {
      RULE_ARN: base.ruleArn,
      TARGET_ARN: base.targetArn,
      ERROR_CODE: failure.code,
      ERROR_MESSAGE: failure.message,
      RETRY_ATTEMPTS: String(base.attempts - 1),
      ...(exhausted === undefined ? {} : { EXHAUSTED_RETRY_CONDITION: exhausted }),
    };
    try {
      const refused = this.#elsewhere(deadLetterArn) ?? (await this.#refusal(rule, deadLetterQueue));
      if (refused !== undefined) {
        this.options.logger.error('event dropped: the dead-letter queue policy refuses it', {
          ...failed,
          deadLetterArn,
          deadLetterError: refused,
        });
        this.#records.push({ ...failed, outcome: 'dropped', deadLetterArn, deadLetterError: refused });
        return;
      }
      await this.options.sender.send(deadLetterQueue, JSON.stringify(event), attributes);
      this.options.logger.warn('event sent to the dead-letter queue', { ...failed, deadLetterArn });
      this.#records.push({ ...failed, outcome: 'dead-lettered', deadLetterArn });
    } catch (error) {
      const deadLetterError = `dead-letter send failed: ${error instanceof Error ? error.message : String(error)}`;
      this.options.logger.error('event lost', { ...failed, deadLetterError });
      this.#records.push({ ...failed, outcome: 'failed', deadLetterError, deadLetterArn });
    }
  }
}

/** The message body: the constant `Input`, the part of the event at a simple `InputPath`, or the whole event. */
export const bodyFor = (event: EventEnvelope, target: TargetRecord): string => {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath === undefined || target.InputPath === '$') return JSON.stringify(event);
  const path = target.InputPath.replace(/^\$\.?/, '')
    .split('.')
    .filter(Boolean);
  const picked = path.reduce<unknown>(
    (value, key) => (typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined),
    event,
  );
  return JSON.stringify(picked ?? null);
};
