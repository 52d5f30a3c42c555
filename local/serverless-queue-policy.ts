/**
 * The queue policy serverless.yml declares (`resources.Resources.EventBridgeToQueuesPolicy`), read from
 * serverless.yml itself so that the offline queues carry exactly what a deploy would give the real ones.
 * CloudFormation's short tags (`!Sub`, `!GetAtt`, `!Ref`) and the Serverless variables `${self:service}` and
 * `${sls:stage}` are resolved for the stack's partition, region, account and stage; anything else (another
 * tag, another variable, an attribute other than a queue's Arn) is an error, not a guess.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queuepolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html
 */
import { readFileSync } from 'node:fs';
import { type CollectionTag, parseDocument, type ScalarTag, YAMLSeq } from 'yaml';

/** The logical id of serverless.yml's queue policy resource. */
export const QUEUE_POLICY_RESOURCE = 'EventBridgeToQueuesPolicy';

const SERVERLESS_YML = new URL('../serverless.yml', import.meta.url);

/** Where the stack pretends to be deployed. */
export interface Deployment {
  partition: string;
  region: string;
  account: string;
  stage: string;
}

/** The policy (JSON, as SQS's `Policy` attribute holds it) and the names of the queues it is attached to. */
export interface ServerlessQueuePolicy {
  queueNames: string[];
  policy: string;
}

/** Thrown when serverless.yml's queue policy is missing or uses something this loader does not resolve. */
export class ServerlessPolicyError extends Error {
  override name = 'ServerlessPolicyError';
}

/** A CloudFormation intrinsic function as written with a short tag, resolved later. */
class Intrinsic {
  constructor(
    readonly fn: 'Sub' | 'GetAtt' | 'Ref',
    readonly argument: unknown,
  ) {}
}

const scalar = (fn: Intrinsic['fn']): ScalarTag => ({
  tag: `!${fn}`,
  resolve: (value) => new Intrinsic(fn, value),
});
const sequence = (fn: Intrinsic['fn']): CollectionTag => ({
  tag: `!${fn}`,
  collection: 'seq',
  resolve: (value) => new Intrinsic(fn, value instanceof YAMLSeq ? value.toJSON() : value),
});
const TAGS = (['Sub', 'GetAtt', 'Ref'] as const).flatMap((fn) => [scalar(fn), sequence(fn)]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Intrinsic);

const fail = (message: string): never => {
  throw new ServerlessPolicyError(`serverless.yml ${QUEUE_POLICY_RESOURCE}: ${message}`);
};

/**
 * Reads serverless.yml (or `file`) and resolves its queue policy for `deployment`: the policy document as
 * JSON and the `QueueName` of each queue listed in its `Queues` (`!Ref` of a queue resource).
 */
export const loadServerlessQueuePolicy = (
  deployment: Deployment,
  file: string | URL = SERVERLESS_YML,
): ServerlessQueuePolicy => {
  const document = parseDocument(readFileSync(file, 'utf8'), { customTags: TAGS, logLevel: 'silent' });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) fail(`cannot read the file: ${problems.map((p) => p.message).join('; ')}`);
  const root: unknown = document.toJS();
  const service = isRecord(root) && typeof root.service === 'string' ? root.service : fail('no service');
  const resources =
    isRecord(root) && isRecord(root.resources) && isRecord(root.resources.Resources)
      ? root.resources.Resources
      : fail('no resources.Resources');

  const variables: Record<string, string> = {
    'self:service': service,
    'sls:stage': deployment.stage,
    'AWS::Partition': deployment.partition,
    'AWS::Region': deployment.region,
    'AWS::AccountId': deployment.account,
  };
  // Serverless resolves ${self:...} and ${sls:...} everywhere before CloudFormation sees the template; in
  // a !Sub, CloudFormation then resolves its pseudo parameters.
  const substitute = (text: string, names: string[]) =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
      names.includes(name) ? (variables[name] ?? '') : fail(`cannot resolve \${${name}} in "${text}"`),
    );
  const serverlessOnly = ['self:service', 'sls:stage'];
  const queueNameOf = (logicalId: unknown): string => {
    const queue = typeof logicalId === 'string' ? resources[logicalId] : undefined;
    if (!isRecord(queue) || queue.Type !== 'AWS::SQS::Queue' || !isRecord(queue.Properties))
      return fail(`${String(logicalId)} is not an AWS::SQS::Queue resource of this file`);
    const name = queue.Properties.QueueName;
    return typeof name === 'string'
      ? substitute(name, serverlessOnly)
      : fail(`${logicalId} has no QueueName`);
  };
  const queueArnOf = (logicalId: unknown) =>
    `arn:${deployment.partition}:sqs:${deployment.region}:${deployment.account}:${queueNameOf(logicalId)}`;

  const resolve = (value: unknown): unknown => {
    if (value instanceof Intrinsic) {
      const { fn, argument } = value;
      if (fn === 'Sub' && typeof argument === 'string') return substitute(argument, Object.keys(variables));
      if (fn === 'GetAtt') {
        const [logicalId, attribute] =
          typeof argument === 'string' ? argument.split('.') : Array.isArray(argument) ? argument : [];
        return attribute === 'Arn'
          ? queueArnOf(logicalId)
          : fail(`!GetAtt ${String(argument)} is not resolved`);
      }
      return fail(`!${fn} ${JSON.stringify(argument)} is not resolved in a policy document`);
    }
    if (typeof value === 'string') return substitute(value, serverlessOnly);
    if (Array.isArray(value)) return value.map(resolve);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };

  const resource = resources[QUEUE_POLICY_RESOURCE];
  if (!isRecord(resource) || resource.Type !== 'AWS::SQS::QueuePolicy' || !isRecord(resource.Properties))
    return fail('no AWS::SQS::QueuePolicy resource of that name');
  const { Queues, PolicyDocument } = resource.Properties;
  if (!Array.isArray(Queues) || !isRecord(PolicyDocument)) return fail('no Queues list or no PolicyDocument');
  const queueNames = Queues.map((queue) =>
    queue instanceof Intrinsic && queue.fn === 'Ref'
      ? queueNameOf(queue.argument)
      : fail(`Queues holds ${JSON.stringify(queue)}, not a !Ref of a queue`),
  );
  return { queueNames, policy: JSON.stringify(resolve(PolicyDocument)) };
};
