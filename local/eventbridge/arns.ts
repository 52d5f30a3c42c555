/**
 * ARN shapes EventBridge returns. Rule ARNs on a non-default bus embed the bus name, and partner source
 * ARNs carry no account.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-resources-for-iam-policies
 */

/** Where the emulator pretends to live. */
export interface Place {
  region: string;
  account: string;
}

/** The name of the bus every account has and nobody can delete. */
export const DEFAULT_BUS = 'default';

/** `arn:aws:events:<region>:<account>:event-bus/<name>`. */
export const busArn = ({ region, account }: Place, name: string): string =>
  `arn:aws:events:${region}:${account}:event-bus/${name}`;

/** `arn:aws:events:<region>:<account>:rule/<name>` on the default bus, `rule/<bus>/<name>` elsewhere. */
export const ruleArn = ({ region, account }: Place, busName: string, name: string): string =>
  busName === DEFAULT_BUS
    ? `arn:aws:events:${region}:${account}:rule/${name}`
    : `arn:aws:events:${region}:${account}:rule/${busName}/${name}`;

/** `arn:aws:events:<region>::event-source/<name>`: partner sources have no account in their ARN. */
export const eventSourceArn = ({ region }: Place, name: string): string =>
  `arn:aws:events:${region}::event-source/${name}`;

/** A bus name from a name or an event-bus ARN (APIs accept either); undefined means the default bus. */
export const busNameOf = (nameOrArn: string | undefined): string => {
  if (nameOrArn === undefined || nameOrArn === '') return DEFAULT_BUS;
  const match = /^arn:aws[a-z-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
};

/** The queue name of an `arn:aws:sqs:<region>:<account>:<queue>` ARN, or undefined for another service. */
export const sqsQueueNameOf = (arn: string): string | undefined =>
  /^arn:aws[a-z-]*:sqs:[^:]*:[^:]*:([^:/]+)$/.exec(arn)?.[1];

/** The partner in `aws.partner/<partner>/...`, which AWS reports as a source's CreatedBy. */
export const partnerOf = (sourceName: string): string => sourceName.split('/')[1] ?? sourceName;
