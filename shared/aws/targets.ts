import {
  type EventBridgeClient,
  ListTargetsByRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { PermanentError, TransientError } from '../errors.js';
import { classifyAwsError, isAwsError } from './errors.js';
import type { RuleRef } from './rules.js';

const TRANSIENT_ENTRY_CODES = new Set([
  'ConcurrentModificationException',
  'InternalException',
  'ThrottlingException',
]);

/** Every target of a rule, all pages; none when the rule does not exist. */
export const listTargets = async (client: EventBridgeClient, rule: RuleRef) => {
  const targets: Target[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListTargetsByRuleCommand({
          Rule: rule.name,
          EventBusName: rule.eventBusName,
          NextToken: nextToken,
        }),
      );
      targets.push(...(page.Targets ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return [];
    throw classifyAwsError(error, 'ListTargetsByRule');
  }
  return targets;
};

/**
 * Creates or replaces one target. PutTargets reports per-entry failures in its response instead of
 * throwing, so a non-zero `FailedEntryCount` is turned into an error here.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html
 */
export const putTarget = async (client: EventBridgeClient, rule: RuleRef, target: Target) => {
  const put = await client
    .send(new PutTargetsCommand({ Rule: rule.name, EventBusName: rule.eventBusName, Targets: [target] }))
    .catch((error: unknown) => {
      throw classifyAwsError(error, 'PutTargets');
    });
  const failed = put.FailedEntries?.[0];
  if ((put.FailedEntryCount ?? 0) === 0 && !failed) return;
  const code = failed?.ErrorCode ?? 'Unknown';
  const message = `PutTargets rejected target ${target.Id}: ${code}: ${failed?.ErrorMessage ?? 'no message'}`;
  throw TRANSIENT_ENTRY_CODES.has(code) ? new TransientError(message) : new PermanentError(message);
};

/** Removes targets by id; a rule that is already gone is not an error. */
export const removeTargets = async (client: EventBridgeClient, rule: RuleRef, ids: string[]) => {
  try {
    const removed = await client.send(
      new RemoveTargetsCommand({ Rule: rule.name, EventBusName: rule.eventBusName, Ids: ids }),
    );
    const failed = removed.FailedEntries?.[0];
    if (failed)
      throw new PermanentError(`RemoveTargets failed for ${failed.TargetId}: ${failed.ErrorMessage}`);
  } catch (error) {
    if (error instanceof PermanentError) throw error;
    if (isAwsError(error, 'ResourceNotFoundException')) return;
    throw classifyAwsError(error, 'RemoveTargets');
  }
};
