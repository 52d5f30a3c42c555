import { describe, expect, it } from 'vitest';
import { arnMatch, evaluatePolicy, type PolicyRequest } from '../../../local/eventbridge/policy.js';

const ACCOUNT = '123456789012';
const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:bigcommerce-webhooks-dev-events`;
const RULE = `arn:aws:events:us-east-1:${ACCOUNT}:rule/aws.partner/bigcommerce.com/${ACCOUNT}/store-abc/to-queue`;

/** EventBridge sending to the queue for a rule on a BigCommerce partner bus. */
const request = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  service: 'events.amazonaws.com',
  action: 'sqs:SendMessage',
  resource: QUEUE,
  context: { 'aws:SourceArn': RULE, 'aws:SourceAccount': ACCOUNT },
  ...overrides,
});

const allow = (statement: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: { Service: 'events.amazonaws.com' },
  Action: 'sqs:SendMessage',
  Resource: QUEUE,
  ...statement,
});

const policy = (...Statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement });

/** serverless.yml's EventBridgeToQueuesPolicy statement, resolved for us-east-1 and the test account. */
const SERVERLESS_STATEMENT = allow({
  Sid: 'BigCommercePartnerBusRules',
  Condition: {
    ArnLike: {
      'aws:SourceArn': [
        `arn:aws:events:us-east-1:${ACCOUNT}:rule/aws.partner/bigcommerce.com/*`,
        `arn:aws:events:us-east-1:${ACCOUNT}:rule/aws.partner/bigcommerce.com.test/*`,
      ],
    },
  },
});

describe('Function: evaluatePolicy', () => {
  it('allows the rules serverless.yml admits and names the statement', () => {
    // Act
    const decision = evaluatePolicy(policy(SERVERLESS_STATEMENT), request());

    // Assess
    expect(decision).toEqual({ allowed: true, reason: 'allowed by statement BigCommercePartnerBusRules' });
  });

  it('refuses a rule on another partner bus, another region or another account (ArnLike)', () => {
    // Prepare
    const rules = [
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/aws.partner/other.com/${ACCOUNT}/store-abc/to-queue`,
      `arn:aws:events:eu-west-1:${ACCOUNT}:rule/aws.partner/bigcommerce.com/${ACCOUNT}/store-abc/to-queue`,
      `arn:aws:events:us-east-1:210987654321:rule/aws.partner/bigcommerce.com/${ACCOUNT}/store-abc/to-queue`,
      `arn:aws:events:us-east-1:${ACCOUNT}:rule/to-queue`,
    ];

    // Act
    const decisions = rules.map((rule) =>
      evaluatePolicy(policy(SERVERLESS_STATEMENT), request({ context: { 'aws:SourceArn': rule } })),
    );

    // Assess
    expect(decisions.map((decision) => decision.allowed)).toEqual([false, false, false, false]);
    expect(decisions[0]).toMatchObject({ explicit: false, reason: expect.stringContaining('no statement') });
  });

  it('matches ArnLike wildcards per ARN component: * and ? never span a colon', () => {
    // Assess
    expect(arnMatch('arn:aws:events:*:*:rule/*', RULE)).toBe(true);
    expect(arnMatch(`arn:aws:events:us-east-?:${ACCOUNT}:rule/*`, RULE)).toBe(true);
    expect(arnMatch(`arn:aws:events:us-east-1?:${ACCOUNT}:rule/*`, RULE)).toBe(false);
    expect(arnMatch('arn:aws:events:*', RULE)).toBe(false);
    expect(arnMatch('arn:aws:*:rule/*', RULE)).toBe(false);
    expect(arnMatch(`arn:aws:events:us-east-1:${ACCOUNT}:rule/aws.partner/bigcommerce.com/*`, RULE)).toBe(
      true,
    );
    expect(
      arnMatch(`arn:aws:events:us-east-1:${ACCOUNT}:rule/aws.partner/bigcommerce.com.test/*`, RULE),
    ).toBe(false);
    expect(arnMatch(`arn:aws:events:us-east-1:${ACCOUNT}:RULE/*`, RULE)).toBe(false);
  });

  it('evaluates ArnEquals with wildcards, as AWS does, and StringLike across colons', () => {
    // Prepare
    const arnEquals = allow({ Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:events:*:*:rule/*' } } });
    const stringLike = allow({ Condition: { StringLike: { 'aws:SourceArn': 'arn:aws:events:*/to-queue' } } });

    // Act
    const decisions = [arnEquals, stringLike].map((statement) =>
      evaluatePolicy(policy(statement), request()),
    );

    // Assess
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true]);
  });

  it('allows only the account StringEquals names in aws:SourceAccount', () => {
    // Prepare
    const statement = allow({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } });

    // Act
    const ours = evaluatePolicy(policy(statement), request());
    const theirs = evaluatePolicy(
      policy(statement),
      request({ context: { 'aws:SourceArn': RULE, 'aws:SourceAccount': '210987654321' } }),
    );
    const missing = evaluatePolicy(policy(statement), request({ context: { 'aws:SourceArn': RULE } }));

    // Assess
    expect([ours.allowed, theirs.allowed, missing.allowed]).toEqual([true, false, false]);
  });

  it('requires every condition key and operator to hold, any value of a key', () => {
    // Prepare
    const statement = allow({
      Condition: {
        ArnLike: {
          'aws:SourceArn': ['arn:aws:events:*:*:rule/nothing', 'arn:aws:events:*:*:rule/aws.partner/*'],
        },
        StringEquals: { 'aws:SourceAccount': '210987654321' },
      },
    });

    // Act
    const decision = evaluatePolicy(policy(statement), request());

    // Assess
    expect(decision.allowed).toBe(false);
  });

  it('lets an explicit Deny win over an Allow, whichever comes first', () => {
    // Prepare
    const deny = {
      Sid: 'NoPartnerRules',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sqs:*',
      Resource: '*',
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:*:rule/aws.partner/*' } },
    };

    // Act
    const decisions = [policy(SERVERLESS_STATEMENT, deny), policy(deny, SERVERLESS_STATEMENT)].map((text) =>
      evaluatePolicy(text, request()),
    );

    // Assess
    for (const decision of decisions)
      expect(decision).toMatchObject({
        allowed: false,
        explicit: true,
        reason: expect.stringContaining('NoPartnerRules'),
      });
  });

  it('refuses a wrong principal, action or resource', () => {
    // Prepare
    const cases = [
      [allow({ Principal: { Service: 'sns.amazonaws.com' } }), request()],
      [allow({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }), request()],
      [allow({ Action: 'sqs:ReceiveMessage' }), request()],
      [allow({ Action: ['sqs:Send*'] }), request({ action: 'sqs:DeleteMessage' })],
      [allow({ Resource: `${QUEUE}-dlq` }), request()],
      [allow({ Resource: `arn:aws:sqs:us-east-1:210987654321:*` }), request()],
    ] as const;

    // Act
    const decisions = cases.map(([statement, asked]) => evaluatePolicy(policy(statement), asked));

    // Assess
    expect(decisions.map((decision) => decision.allowed)).toEqual([false, false, false, false, false, false]);
  });

  it('accepts the wildcard forms IAM accepts for principal, action and resource', () => {
    // Prepare
    const statements = [
      allow({ Principal: '*' }),
      allow({ Principal: { AWS: '*' } }),
      allow({ Principal: { Service: ['sns.amazonaws.com', 'events.amazonaws.com'] } }),
      allow({ Action: 'SQS:sendmessage' }),
      allow({ Action: ['sqs:Send*'] }),
      allow({ Action: '*' }),
      allow({ Resource: '*' }),
      allow({ Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:bigcommerce-*` }),
    ];

    // Act
    const decisions = statements.map((statement) => evaluatePolicy(policy(statement), request()));

    // Assess
    expect(decisions.every((decision) => decision.allowed)).toBe(true);
  });

  it('implicitly denies without a policy, with an unparsable one, or with no statements', () => {
    // Act
    const decisions = [undefined, '', '{not json', JSON.stringify({ Version: '2012-10-17' })].map((text) =>
      evaluatePolicy(text, request()),
    );

    // Assess
    expect(decisions).toEqual([
      expect.objectContaining({
        allowed: false,
        explicit: false,
        reason: expect.stringContaining('no policy'),
      }),
      expect.objectContaining({
        allowed: false,
        explicit: false,
        reason: expect.stringContaining('no policy'),
      }),
      expect.objectContaining({ allowed: false, reason: expect.stringContaining('not JSON') }),
      expect.objectContaining({ allowed: false, reason: expect.stringContaining('no statement') }),
    ]);
  });

  it('treats negated operators and IfExists as IAM does for a key the request lacks', () => {
    // Prepare
    const asked = request({ context: { 'aws:SourceArn': RULE } });
    const notEquals = allow({ Condition: { StringNotEquals: { 'aws:SourceAccount': '210987654321' } } });
    const ifExists = allow({ Condition: { StringEqualsIfExists: { 'aws:SourceAccount': '210987654321' } } });
    const isNull = allow({ Condition: { Null: { 'aws:SourceAccount': 'true' } } });

    // Act
    const decisions = [notEquals, ifExists, isNull].map((statement) =>
      evaluatePolicy(policy(statement), asked),
    );

    // Assess
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true]);
  });

  it('refuses a policy whose condition operator it does not emulate rather than guess', () => {
    // Prepare
    const statement = allow({
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    });

    // Act
    const decision = evaluatePolicy(policy(statement), request());

    // Assess
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining('DateGreaterThan') });
  });
});
