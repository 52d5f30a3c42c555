import { isDeepStrictEqual } from 'node:util';
import type { EventBridgeClient, Tag } from '@aws-sdk/client-eventbridge';
import { isAwsError } from '../aws/errors.js';
import { describeEventBus } from '../aws/event-bus.js';
import { deleteRule, describeRule, putRule, type RuleSpec } from '../aws/rules.js';
import { tagResource } from '../aws/tags.js';
import { listTargets } from '../aws/targets.js';
import { DETAIL_TYPE } from '../bigcommerce/envelope.js';
import { TransientError } from '../errors.js';
import type { Claim } from './ownership.js';
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
 * A mutation that failed because its bus vanished after this run saw it (a concurrent change, shown by a
 * re-read) is transient: the next run starts from what is there.
 */
const busVanished = async (eventBridge: EventBridgeClient, busName: string, error: unknown) => {
  if (!isAwsError((error as Error).cause, 'ResourceNotFoundException')) return error;
  if (await describeEventBus(eventBridge, busName)) return error;
  return new TransientError(
    `bus ${busName} was deleted while this run worked (a concurrent change); run again`,
    {
      cause: error,
    },
  );
};

/**
 * Step 3: the rule on the partner bus, created with the ownership `tags`. PutRule only when it is missing or
 * differs (pattern compared as JSON, state, description); an untagged rule proven to be this store's
 * (`claim: 'adopt'`) is tagged; an identical, tagged rule makes no call.
 * IAM: events:DescribeRule, events:PutRule, events:TagResource.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 */
export const reconcileRule = async (
  input: {
    name: string;
    busName: string | undefined;
    busExists: boolean;
    dryRun: boolean;
    claim?: Claim;
    tags?: Tag[];
  },
  eventBridge: EventBridgeClient,
): Promise<RuleEntry> => {
  const base = ruleEntry(input.name, input.busName);
  if (!input.busName || !input.busExists) return { ...base, action: 'would-create' };
  const busName = input.busName;
  const want = desiredRule(input.name, busName);
  const have = await describeRule(eventBridge, want);
  const put = () =>
    putRule(eventBridge, want, input.tags ?? []).catch(async (error: unknown) => {
      throw await busVanished(eventBridge, busName, error);
    });
  if (have) {
    const same =
      isDeepStrictEqual(parsePattern(have.eventPattern), parsePattern(want.eventPattern)) &&
      have.state === want.state &&
      (have.description ?? '') === want.description;
    const adopt = input.claim === 'adopt';
    if (same && !adopt) return { ...base, action: 'unchanged', arn: have.arn };
    if (input.dryRun) return { ...base, action: 'would-update', arn: have.arn };
    const arn = same ? have.arn : await put();
    if (adopt && arn) await tagResource(eventBridge, arn, input.tags ?? []);
    return { ...base, action: 'updated', arn };
  }
  if (input.dryRun) return { ...base, action: 'would-create' };
  return { ...base, action: 'created', arn: await put() };
};

/**
 * Teardown of step 3: deletes the rule (after its target); one that is already gone is reported unchanged.
 * A rule that gained a target while this run worked (a re-read lists one) is a transient failure.
 */
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
  try {
    await deleteRule(eventBridge, ref);
  } catch (error) {
    if ((await listTargets(eventBridge, ref)).length > 0) {
      throw new TransientError(
        `DeleteRule: rule ${input.name} gained a target while this teardown ran (a concurrent change); run again`,
        { cause: error },
      );
    }
    throw error;
  }
  return { ...base, action: 'deleted', arn: have.arn };
};
