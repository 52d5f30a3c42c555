import { isDeepStrictEqual } from 'node:util';
import type { EventBridgeClient, Tag } from '@aws-sdk/client-eventbridge';
import { isAwsError } from '../aws/errors.js';
import { describeEventBus } from '../aws/event-bus.js';
import { deleteRule, describeRule, putRule, type RuleSpec } from '../aws/rules.js';
import { tagResource } from '../aws/tags.js';
import { listTargets } from '../aws/targets.js';
import { DETAIL_TYPE } from '../bigcommerce/envelope.js';
import { ConflictError, TransientError } from '../errors.js';
import type { Claim } from './ownership.js';
import { type DeleteWait, retryStaleRefusal } from './stale.js';
import type { RuleEntry } from './types.js';

/** Every BigCommerce event on the partner bus, as BigCommerce's guide writes the pattern. */
export const RULE_PATTERN = JSON.stringify({ 'detail-type': [DETAIL_TYPE] });
export const RULE_DESCRIPTION = 'BigCommerce webhook events to the service queue (managed by provision)';

/**
 * Said of a rule or target this run created or changed: EventBridge applies such changes after a short
 * while, and events in between follow the old state.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 */
export const PROPAGATION_NOTE =
  'EventBridge applies a new or changed rule or target after a short while ("allow a short period of time for changes to take effect"): events in the meantime follow the old state';

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
    return { ...base, action: 'updated', arn, ...(!same && { note: PROPAGATION_NOTE }) };
  }
  if (input.dryRun) return { ...base, action: 'would-create' };
  return { ...base, action: 'created', arn: await put(), note: PROPAGATION_NOTE };
};

/**
 * Teardown of step 3: deletes the rule (after its target); one that is already gone is reported unchanged.
 * A rule that gained a target while this run worked (a re-read lists one) is a transient failure. Right
 * after RemoveTargets, EventBridge may still refuse with "has targets" (eventual consistency): that refusal
 * is retried with bounded backoff, then reported as transient.
 * IAM: events:DescribeRule, events:DeleteRule, events:ListTargetsByRule.
 */
export const removeRule = async (
  input: { name: string; busName: string | undefined; dryRun: boolean; targetId?: string },
  eventBridge: EventBridgeClient,
  wait: DeleteWait = {},
): Promise<RuleEntry> => {
  const base = ruleEntry(input.name, input.busName);
  if (!input.busName) return { ...base, action: 'unchanged' };
  const ref = { name: input.name, eventBusName: input.busName };
  const have = await describeRule(eventBridge, ref);
  if (!have) return { ...base, action: 'unchanged' };
  if (input.dryRun) return { ...base, action: 'would-delete', arn: have.arn };
  await retryStaleRefusal(
    () => deleteRule(eventBridge, ref),
    /targets/i,
    async (error) => {
      const targets = await listTargets(eventBridge, ref);
      if (targets.length === 0) return undefined;
      const foreign = targets.filter((target) => input.targetId && target.Id !== input.targetId);
      if (foreign.length > 0) {
        // Someone else's target: no retry will remove it, and this service must not.
        return new ConflictError(
          `DeleteRule: rule ${input.name} has targets this service did not put there (${foreign.map((t) => t.Id).join(', ')}): remove them, then run the teardown again`,
          { cause: error },
        );
      }
      return new TransientError(
        `DeleteRule: rule ${input.name} gained a target while this teardown ran (a concurrent change); run again`,
        { cause: error },
      );
    },
    `DeleteRule: EventBridge still sees the targets of rule ${input.name} just removed (eventual consistency); run again`,
    wait,
  );
  return { ...base, action: 'deleted', arn: have.arn };
};
