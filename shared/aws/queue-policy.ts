import { PARTNER_SOURCE_PREFIXES } from '../bigcommerce/envelope.js';

/** Where the queues live: the partition, region and account of their ARNs. */
export interface Place {
  partition: string;
  region: string;
  account: string;
}

/**
 * The rule ARNs serverless.yml's queue policy (`EventBridgeToQueuesPolicy`) admits: rules on this
 * account's BigCommerce partner buses in this region.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
 */
export const partnerRuleArnPatterns = ({ partition, region, account }: Place) =>
  PARTNER_SOURCE_PREFIXES.map((prefix) => `arn:${partition}:events:${region}:${account}:rule/${prefix}*`);

const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/**
 * Why a queue's policy (its `Policy` attribute, JSON) would not let EventBridge deliver to `queueArn` from
 * every BigCommerce partner rule of this account and region, or [] when it does.
 */
export const queuePolicyProblems = (policy: string | undefined, queueArn: string, place: Place): string[] => {
  if (!policy) return ['the queue has no policy: EventBridge cannot send to it'];
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return ['the queue policy is not JSON'];
  }
  const statements = list(document.Statement) as {
    Effect?: string;
    Principal?: { Service?: unknown };
    Action?: unknown;
    Resource?: unknown;
    Condition?: { ArnLike?: Record<string, unknown>; ArnEquals?: Record<string, unknown> };
  }[];
  const admits = statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      list(s.Principal?.Service).includes('events.amazonaws.com') &&
      list(s.Action).some((action) => action === 'sqs:SendMessage' || action === 'sqs:*') &&
      list(s.Resource).some((resource) => resource === queueArn || resource === '*'),
  );
  if (admits.length === 0) return ['no statement lets events.amazonaws.com send messages to the queue'];
  const sources = admits.flatMap((s) => list(s.Condition?.ArnLike?.['aws:SourceArn']));
  return partnerRuleArnPatterns(place)
    .filter((pattern) => !sources.includes(pattern))
    .map((pattern) => `the policy does not admit rules matching ${pattern}`);
};
