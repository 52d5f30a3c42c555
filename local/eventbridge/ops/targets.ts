/**
 * Target operations. PutTargets upserts by Id and reports per-target problems in FailedEntries, not by throwing.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html
 */
import { z } from 'zod';
import { busNameOf, sqsQueueNameOf } from '../arns.js';
import { AwsError } from '../errors.js';
import type { TargetRecord } from '../state.js';
import type { Operation } from './context.js';
import { BusRefSchema, PagingSchema, paginate, parseInput, RuleNameSchema } from './input.js';

/** AWS allows at most five targets per rule. */
const MAX_TARGETS_PER_RULE = 5;

const TargetSchema = z.looseObject({
  Id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[.\-_A-Za-z0-9]+$/),
  Arn: z.string().min(1).max(1600).startsWith('arn:'),
  Input: z.string().max(8192).optional(),
  InputPath: z.string().max(256).optional(),
  DeadLetterConfig: z.object({ Arn: z.string().min(1).max(1600).optional() }).optional(),
  RetryPolicy: z
    .object({
      MaximumRetryAttempts: z.number().int().min(0).max(185).optional(),
      MaximumEventAgeInSeconds: z.number().int().min(60).max(86_400).optional(),
    })
    .optional(),
});

const RuleRef = { Rule: RuleNameSchema, EventBusName: BusRefSchema };

interface FailedEntry {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

const problemWith = (target: TargetRecord): string | undefined => {
  const inputs = [target.Input, target.InputPath, target.InputTransformer].filter(
    (value) => value !== undefined,
  );
  if (inputs.length > 1) return 'Input, InputPath and InputTransformer are mutually exclusive.';
  const deadLetterArn = target.DeadLetterConfig?.Arn;
  if (deadLetterArn !== undefined && sqsQueueNameOf(deadLetterArn) === undefined) {
    return `DeadLetterConfig Arn ${deadLetterArn} is not an SQS queue ARN.`;
  }
  // EventBridge's target dead-letter queue must be a standard queue.
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
  if (deadLetterArn?.endsWith('.fifo')) {
    return `DeadLetterConfig Arn ${deadLetterArn} is a FIFO queue; a dead-letter queue must be a standard queue.`;
  }
  return undefined;
};

/** PutTargets: adds or replaces targets of an existing rule, keeping DeadLetterConfig and RetryPolicy. */
export const putTargets: Operation = (input, { state }) => {
  const { Rule, EventBusName, Targets } = parseInput(
    z.object({ ...RuleRef, Targets: z.array(TargetSchema).min(1).max(10) }),
    input,
  );
  const rule = state.rule(busNameOf(EventBusName), Rule);
  const failed: FailedEntry[] = [];
  const accepted = Targets.filter((target) => {
    const problem = problemWith(target);
    if (problem !== undefined)
      failed.push({ TargetId: target.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
    return problem === undefined;
  });
  const ids = new Set([...rule.targets.keys(), ...accepted.map((target) => target.Id)]);
  if (ids.size > MAX_TARGETS_PER_RULE) {
    throw new AwsError(
      'LimitExceededException',
      `The requested resource exceeds the maximum number allowed (${MAX_TARGETS_PER_RULE} targets per rule).`,
    );
  }
  for (const target of accepted) rule.targets.set(target.Id, target);
  state.propagate(rule);
  return { FailedEntryCount: failed.length, FailedEntries: failed };
};

/** ListTargetsByRule: the targets of a rule as PutTargets stored them, paged. */
export const listTargetsByRule: Operation = (input, { state }) => {
  const { Rule, EventBusName, ...paging } = parseInput(PagingSchema.extend(RuleRef), input);
  const { page, nextToken } = paginate(
    [...state.rule(busNameOf(EventBusName), Rule).targets.values()],
    paging,
    state.behaviour.maxPageSize,
  );
  return { Targets: page, ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
};

/** RemoveTargets: removes targets by Id; unknown Ids are not an error. */
export const removeTargets: Operation = (input, { state }) => {
  const { Rule, EventBusName, Ids } = parseInput(
    z.object({
      ...RuleRef,
      Ids: z.array(z.string().min(1).max(64)).min(1).max(100),
      Force: z.boolean().optional(),
    }),
    input,
  );
  const rule = state.rule(busNameOf(EventBusName), Rule);
  const removed = Ids.filter((id) => rule.targets.delete(id));
  if (removed.length > 0 && state.behaviour.deleteWindowMs > 0) {
    rule.removedTargetsSeenUntil = state.now() + state.behaviour.deleteWindowMs;
  }
  state.propagate(rule);
  return { FailedEntryCount: 0, FailedEntries: [] };
};
