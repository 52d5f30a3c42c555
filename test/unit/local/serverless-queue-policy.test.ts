import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadServerlessQueuePolicy, ServerlessPolicyError } from '../../../local/serverless-queue-policy.js';

const DEPLOYMENT = { partition: 'aws', region: 'eu-west-1', account: '210987654321', stage: 'prod' };
const SERVERLESS_YML = readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8');

describe('Function: loadServerlessQueuePolicy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'serverless-policy-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const fileWith = (text: string) => {
    const file = join(dir, 'serverless.yml');
    writeFileSync(file, text);
    return file;
  };

  it("resolves serverless.yml's own policy for the stage, region, account and partition", () => {
    // Act
    const { queueNames, policy } = loadServerlessQueuePolicy(DEPLOYMENT);

    // Assess
    expect(queueNames).toEqual(['bigcommerce-webhooks-prod-events', 'bigcommerce-webhooks-prod-events-dlq']);
    expect(JSON.parse(policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'BigCommercePartnerBusRules',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: [
            'arn:aws:sqs:eu-west-1:210987654321:bigcommerce-webhooks-prod-events',
            'arn:aws:sqs:eu-west-1:210987654321:bigcommerce-webhooks-prod-events-dlq',
          ],
          Condition: {
            ArnLike: {
              'aws:SourceArn': [
                'arn:aws:events:eu-west-1:210987654321:rule/aws.partner/bigcommerce.com/*',
                'arn:aws:events:eu-west-1:210987654321:rule/aws.partner/bigcommerce.com.test/*',
              ],
            },
          },
        },
      ],
    });
  });

  it('reads what the file says, so an edit of serverless.yml reaches the offline queues', () => {
    // Prepare: the DLQ left out of Queues, the .test pattern removed
    const edited = SERVERLESS_YML.replace('          - !Ref DeadLetterQueue\n', '').replace(
      /\n\s+- !Sub arn:\$\{AWS::Partition\}:events:\$\{AWS::Region\}:\$\{AWS::AccountId\}:rule\/aws\.partner\/bigcommerce\.com\.test\/\*/,
      '',
    );

    // Act
    const { queueNames, policy } = loadServerlessQueuePolicy(DEPLOYMENT, fileWith(edited));

    // Assess
    expect(queueNames).toEqual(['bigcommerce-webhooks-prod-events']);
    expect(JSON.parse(policy).Statement[0].Condition.ArnLike['aws:SourceArn']).toEqual([
      'arn:aws:events:eu-west-1:210987654321:rule/aws.partner/bigcommerce.com/*',
    ]);
  });

  it('resolves the long forms of !GetAtt and a queue resource named in !Sub variables', () => {
    // Prepare
    const file = fileWith(`service: svc
resources:
  Resources:
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: \${self:service}-\${sls:stage}-q
    EventBridgeToQueuesPolicy:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: [!Ref Q]
        PolicyDocument:
          Statement:
            - Effect: Allow
              Resource: !GetAtt [Q, Arn]
              Condition:
                StringEquals:
                  aws:SourceAccount: !Sub "\${AWS::AccountId}"
`);

    // Act
    const { queueNames, policy } = loadServerlessQueuePolicy(DEPLOYMENT, file);

    // Assess
    expect(queueNames).toEqual(['svc-prod-q']);
    expect(JSON.parse(policy).Statement[0]).toEqual({
      Effect: 'Allow',
      Resource: 'arn:aws:sqs:eu-west-1:210987654321:svc-prod-q',
      Condition: { StringEquals: { 'aws:SourceAccount': '210987654321' } },
    });
  });

  it.each([
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless variable, not a template
    ['an unknown variable', 'Resource: !Sub "arn:${opt:region}:x"', /opt:region/],
    ['another attribute', 'Resource: !GetAtt Q.QueueUrl', /Q\.QueueUrl/],
    ['a resource that is not a queue', 'Resource: !GetAtt Missing.Arn', /Missing/],
    ['another tag', 'Resource: !Join [":", [a, b]]', /Join/],
  ])('stops at %s instead of guessing', (_, line, message) => {
    // Prepare
    const file = fileWith(`service: svc
resources:
  Resources:
    Q:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: q
    EventBridgeToQueuesPolicy:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: [!Ref Q]
        PolicyDocument:
          Statement:
            - ${line}
`);

    // Act
    const load = () => loadServerlessQueuePolicy(DEPLOYMENT, file);

    // Assess
    expect(load).toThrow(ServerlessPolicyError);
    expect(load).toThrow(message);
  });

  it('stops when the file has no such queue policy', () => {
    // Prepare
    const file = fileWith('service: svc\nresources:\n  Resources: {}\n');

    // Act
    const load = () => loadServerlessQueuePolicy(DEPLOYMENT, file);

    // Assess
    expect(load).toThrow(/EventBridgeToQueuesPolicy: no AWS::SQS::QueuePolicy/);
  });
});
