/**
 * Rule operations. PutRule is an upsert that resets omitted arguments but keeps the rule's targets.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 */
import { z } from 'zod';
import { busNameOf, DEFAULT_BUS, ruleArn } from '../arns.js';
import { AwsError, invalid } from '../errors.js';
import type { EventPattern } from '../pattern.js';
import { InvalidEventPatternError, parseEventPattern } from '../pattern-validate.js';
import type { Rule } from '../state.js';
import type { Operation } from './context.js';
import {
  BusRefSchema,
  PagingSchema,
  paginate,
  parseInput,
  RuleNameSchema,
  TagsSchema,
  tagMapOf,
} from './input.js';

const PutRuleInput = z.object({
  Name: RuleNameSchema,
  EventBusName: BusRefSchema,
  EventPattern: z.string().max(4096).optional(),
  ScheduleExpression: z.string().max(256).optional(),
  State: z.enum(['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']).optional(),
  Description: z.string().max(512).optional(),
  RoleArn: z.string().max(1600).optional(),
  Tags: TagsSchema.optional(),
});

const RuleRefInput = z.object({ Name: RuleNameSchema, EventBusName: BusRefSchema });

const parsePattern = (json: string): EventPattern => {
  try {
    return parseEventPattern(json);
  } catch (error) {
    if (error instanceof InvalidEventPatternError)
      throw new AwsError('InvalidEventPatternException', error.message);
    throw error;
  }
};

/** PutRule: creates or replaces a rule on an existing bus and returns its ARN. */
export const putRule: Operation = (input, { state }) => {
  const request = parseInput(PutRuleInput, input);
  const busName = busNameOf(request.EventBusName);
  const rules = state.rulesOf(busName);
  if (request.EventPattern === undefined && request.ScheduleExpression === undefined) {
    throw invalid('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  }
  if (request.ScheduleExpression !== undefined && busName !== DEFAULT_BUS) {
    throw invalid('ScheduleExpression is supported only on the default event bus.');
  }
  const pattern = request.EventPattern === undefined ? undefined : parsePattern(request.EventPattern);
  const arn = ruleArn(state.place, busName, request.Name);
  const existing = rules.get(request.Name);
  if (!existing && rules.size >= state.behaviour.rulesPerBus) {
    throw new AwsError(
      'LimitExceededException',
      `The requested resource exceeds the maximum number allowed (${state.behaviour.rulesPerBus} rules per event bus).`,
    );
  }
  rules.set(request.Name, {
    name: request.Name,
    arn,
    busName,
    state: request.State ?? 'ENABLED',
    targets: existing?.targets ?? new Map(),
    // AWS ignores PutRule's Tags on an existing rule: TagResource changes them.
    tags: existing?.tags ?? tagMapOf(request.Tags),
    ...(pattern === undefined ? {} : { pattern, eventPattern: request.EventPattern }),
    ...(request.ScheduleExpression === undefined ? {} : { scheduleExpression: request.ScheduleExpression }),
    ...(request.Description === undefined ? {} : { description: request.Description }),
    ...(request.RoleArn === undefined ? {} : { roleArn: request.RoleArn }),
  });
  const rule = rules.get(request.Name);
  if (rule) state.propagate(rule);
  return { RuleArn: arn };
};

const describe = (rule: Rule) => ({
  Name: rule.name,
  Arn: rule.arn,
  EventBusName: rule.busName,
  State: rule.state,
  ...(rule.eventPattern === undefined ? {} : { EventPattern: rule.eventPattern }),
  ...(rule.scheduleExpression === undefined ? {} : { ScheduleExpression: rule.scheduleExpression }),
  ...(rule.description === undefined ? {} : { Description: rule.description }),
  ...(rule.roleArn === undefined ? {} : { RoleArn: rule.roleArn }),
});

/** DescribeRule: one rule, or ResourceNotFoundException for a missing bus or rule. */
export const describeRule: Operation = (input, { state }) => {
  const { Name, EventBusName } = parseInput(RuleRefInput, input);
  return { ...describe(state.rule(busNameOf(EventBusName), Name)), CreatedBy: state.place.account };
};

/** ListRules: the rules of a bus by name, filtered by NamePrefix, paged. */
export const listRules: Operation = (input, { state }) => {
  const { NamePrefix, EventBusName, ...paging } = parseInput(
    PagingSchema.extend({ NamePrefix: z.string().min(1).max(64).optional(), EventBusName: BusRefSchema }),
    input,
  );
  const rules = [...state.rulesOf(busNameOf(EventBusName)).values()]
    .filter((rule) => NamePrefix === undefined || rule.name.startsWith(NamePrefix))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, nextToken } = paginate(rules, paging, state.behaviour.maxPageSize);
  return { Rules: page.map(describe), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
};

/** DeleteRule: idempotent for a missing rule, refused while the rule has targets. */
export const deleteRule: Operation = (input, { state }) => {
  const { Name, EventBusName } = parseInput(RuleRefInput.extend({ Force: z.boolean().optional() }), input);
  const rules = state.rulesOf(busNameOf(EventBusName));
  const rule = rules.get(Name);
  if (rule === undefined) return {};
  // Right after RemoveTargets, DeleteRule may still see the targets (eventual consistency).
  if (rule.targets.size > 0 || state.now() < (rule.removedTargetsSeenUntil ?? 0)) {
    throw invalid("Rule can't be deleted since it has targets.");
  }
  rules.delete(Name);
  if (state.behaviour.deleteWindowMs > 0) {
    state.deletedRulesSeenUntil.set(busNameOf(EventBusName), state.now() + state.behaviour.deleteWindowMs);
  }
  return {};
};
