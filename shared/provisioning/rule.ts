import { isDeepStrictEqual } from 'node:util';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { deleteRule, describeRule, putRule, type RuleSpec } from '../aws/rules.js';
import { DETAIL_TYPE } from '../bigcommerce/envelope.js';
import type { RuleEntry } from './types.js';

/** Every BigCommerce event on the partner bus, as BigCommerce's guide writes the pattern. */
export const RULE_PATTERN = JSON.stringify({ 'detail-type': [DETAIL_TYPE] });
export const RULE_DESCRIPTION = 'BigCommerce webhook events to the service queue (managed by provision)';

const parsePattern = (pattern: string | undefined) => {
  try {
    return pattern ? (JSON.parse(pattern) as unknown) : undefined;
  } catch {
    return pattern;
  }
};

/** The rule provision wants on `eventBusName`. */
export const desiredRule = (name: string, eventBusName: string): RuleSpec => ({
  name,
  eventBusName,
  eventPattern: RULE_PATTERN,
  state: 'ENABLED',
  description: RULE_DESCRIPTION,
});

/** The identifying part of the rule's entry. */
const ruleEntry = (name: string, busName: string | undefined) => ({
  resource: 'rule' as const,
  name,
  ...(busName && { eventBusName: busName }),
});

/**
 * Step 3: the rule on the partner bus. PutRule only when it is missing or differs (pattern compared as
 * JSON, state, description); an identical rule makes no call.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 */
export const reconcileRule = async (
  input: { name: string; busName: string | undefined; busExists: boolean; dryRun: boolean },
  eventBridge: EventBridgeClient,
): Promise<RuleEntry> => {
  const base = ruleEntry(input.name, input.busName);
  if (!input.busName || !input.busExists) return { ...base, action: 'would-create' };
  const want = desiredRule(input.name, input.busName);
  const have = await describeRule(eventBridge, want);
  if (have) {
    const same =
      isDeepStrictEqual(parsePattern(have.eventPattern), parsePattern(want.eventPattern)) &&
      have.state === want.state &&
      (have.description ?? '') === want.description;
    if (same) return { ...base, action: 'unchanged', arn: have.arn };
    if (input.dryRun) return { ...base, action: 'would-update', arn: have.arn };
    return { ...base, action: 'updated', arn: await putRule(eventBridge, want) };
  }
  if (input.dryRun) return { ...base, action: 'would-create' };
  return { ...base, action: 'created', arn: await putRule(eventBridge, want) };
};

/** Teardown of step 3: deletes the rule (after its target); one that is already gone is reported unchanged. */
export const removeRule = async (
  input: { name: string; busName: string | undefined; dryRun: boolean },
  eventBridge: EventBridgeClient,
): Promise<RuleEntry> => {
  const base = ruleEntry(input.name, input.busName);
  if (!input.busName) return { ...base, action: 'unchanged' };
  const ref = { name: input.name, eventBusName: input.busName };
  const have = await describeRule(eventBridge, ref);
  if (!have) return { ...base, action: 'unchanged' };
  if (input.dryRun) return { ...base, action: 'would-delete', arn: have.arn };
  await deleteRule(eventBridge, ref);
  return { ...base, action: 'deleted', arn: have.arn };
};
