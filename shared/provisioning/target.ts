import type { EventBridgeClient, Target } from '@aws-sdk/client-eventbridge';
import { isAwsError } from '../aws/errors.js';
import { describeRule, type RuleRef } from '../aws/rules.js';
import { listTargets, putTarget, removeTargets } from '../aws/targets.js';
import { TransientError } from '../errors.js';
import { PROPAGATION_NOTE } from './rule.js';
import type { TargetEntry } from './types.js';

/** EventBridge's own maxima: retry for 24 hours, then the target's dead-letter queue. */
export const TARGET_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 };

export interface TargetInput {
  rule: RuleRef;
  ruleExists: boolean;
  targetId: string;
  queueArn: string;
  deadLetterQueueArn: string;
  dryRun: boolean;
}

/** The target provision wants: the whole event to the queue, failures to the DLQ. No RoleArn for SQS. */
export const desiredTarget = (
  input: Pick<TargetInput, 'targetId' | 'queueArn' | 'deadLetterQueueArn'>,
): Target => ({
  Id: input.targetId,
  Arn: input.queueArn,
  DeadLetterConfig: { Arn: input.deadLetterQueueArn },
  RetryPolicy: TARGET_RETRY_POLICY,
});

const sameTarget = (have: Target, want: Target) =>
  have.Arn === want.Arn &&
  have.DeadLetterConfig?.Arn === want.DeadLetterConfig?.Arn &&
  have.RetryPolicy?.MaximumRetryAttempts === want.RetryPolicy?.MaximumRetryAttempts &&
  have.RetryPolicy?.MaximumEventAgeInSeconds === want.RetryPolicy?.MaximumEventAgeInSeconds &&
  !have.Input &&
  !have.InputPath &&
  !have.InputTransformer &&
  !have.RoleArn;

/**
 * Step 4: the rule's SQS target, with a dead-letter queue and a retry policy. PutTargets only when the
 * target is missing or differs.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html
 * IAM: events:ListTargetsByRule, events:PutTargets (and events:DescribeRule after a refusal).
 */
export const reconcileTarget = async (
  input: TargetInput,
  eventBridge: EventBridgeClient,
): Promise<TargetEntry> => {
  const want = desiredTarget(input);
  const entry = (action: TargetEntry['action']): TargetEntry => ({
    resource: 'target',
    action,
    id: input.targetId,
    rule: input.rule.name,
    arn: input.queueArn,
    deadLetterArn: input.deadLetterQueueArn,
  });
  if (!input.ruleExists) return entry('would-create');
  // No bus (teardown found no source): no rule, so no target to list.
  const targets = input.rule.eventBusName ? await listTargets(eventBridge, input.rule) : [];
  const have = targets.find((target) => target.Id === input.targetId);
  if (have && sameTarget(have, want)) return entry('unchanged');
  if (input.dryRun) return entry(have ? 'would-update' : 'would-create');
  await putTarget(eventBridge, input.rule, want).catch(async (error: unknown) => {
    // The rule this run saw is gone (a re-read shows it): a concurrent change, not a permanent refusal.
    const gone =
      isAwsError((error as Error).cause, 'ResourceNotFoundException') &&
      !(await describeRule(eventBridge, input.rule));
    if (!gone) throw error;
    throw new TransientError(
      `rule ${input.rule.name} was deleted while this run worked (a concurrent change); run again`,
      { cause: error },
    );
  });
  return { ...entry(have ? 'updated' : 'created'), note: PROPAGATION_NOTE };
};

/**
 * Teardown of step 4: removes the target; one that is already gone is reported unchanged.
 * IAM: events:ListTargetsByRule, events:RemoveTargets.
 */
export const removeTarget = async (
  input: Omit<TargetInput, 'ruleExists'>,
  eventBridge: EventBridgeClient,
): Promise<TargetEntry> => {
  // No bus (teardown found no source): no rule, so no target to list.
  const targets = input.rule.eventBusName ? await listTargets(eventBridge, input.rule) : [];
  const have = targets.find((target) => target.Id === input.targetId);
  const entry = (action: TargetEntry['action']): TargetEntry => ({
    resource: 'target',
    action,
    id: input.targetId,
    rule: input.rule.name,
    arn: have?.Arn ?? input.queueArn,
    deadLetterArn: have?.DeadLetterConfig?.Arn ?? input.deadLetterQueueArn,
  });
  if (!have) return entry('unchanged');
  if (input.dryRun) return entry('would-delete');
  await removeTargets(eventBridge, input.rule, [input.targetId]);
  return entry('deleted');
};
