import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  type Tag,
} from '@aws-sdk/client-eventbridge';
import { classifyAwsError, isAwsError } from './errors.js';

/** Where a rule lives: its name on a bus. */
export interface RuleRef {
  name: string;
  eventBusName: string;
}

/** The parts of a rule provision manages. */
export interface RuleSpec extends RuleRef {
  eventPattern: string;
  state: 'ENABLED' | 'DISABLED';
  description: string;
}

/** A rule as it is now, or `undefined` when it (or its bus) does not exist. */
export const describeRule = async (client: EventBridgeClient, rule: RuleRef) => {
  try {
    const found = await client.send(
      new DescribeRuleCommand({ Name: rule.name, EventBusName: rule.eventBusName }),
    );
    return {
      arn: found.Arn,
      eventPattern: found.EventPattern,
      state: found.State,
      description: found.Description,
    };
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw classifyAwsError(error, 'DescribeRule');
  }
};

/**
 * Creates or replaces a rule (PutRule is an upsert that resets omitted fields) and returns its ARN. `tags`
 * apply only when the rule is created: AWS ignores them on an existing rule.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
 */
export const putRule = async (client: EventBridgeClient, rule: RuleSpec, tags: Tag[] = []) => {
  const put = await client
    .send(
      new PutRuleCommand({
        Name: rule.name,
        EventBusName: rule.eventBusName,
        EventPattern: rule.eventPattern,
        State: rule.state,
        Description: rule.description,
        ...(tags.length > 0 && { Tags: tags }),
      }),
    )
    .catch((error: unknown) => {
      throw classifyAwsError(error, 'PutRule');
    });
  return put.RuleArn;
};

/** Deletes a rule (its targets must be gone); a rule that is already gone is not an error. */
export const deleteRule = async (client: EventBridgeClient, rule: RuleRef) => {
  try {
    await client.send(new DeleteRuleCommand({ Name: rule.name, EventBusName: rule.eventBusName }));
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return;
    throw classifyAwsError(error, 'DeleteRule');
  }
};
