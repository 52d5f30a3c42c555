import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorkTree } from '../helpers/work-tree-copy.js';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Actions IAM cannot scope to a resource: they may (and must) use `Resource: "*"`.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
 */
const UNSCOPABLE = new Set(['events:ListEventSources', 'logs:DescribeDeliveries']);

const arrayOf = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The account and region the template is read as deployed in. */
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PSEUDO_PARAMETERS: Record<string, string> = { Partition: 'aws', Region: REGION, AccountId: ACCOUNT };

/** A policy value as CloudFormation resolves it in {@link ACCOUNT} and {@link REGION}; other intrinsics stay JSON. */
const resolved = (value: unknown): string => {
  const sub =
    typeof value === 'object' && value !== null ? (value as { 'Fn::Sub'?: unknown })['Fn::Sub'] : value;
  if (typeof sub !== 'string') return JSON.stringify(value);
  return sub.replace(/\$\{AWS::(\w+)\}/g, (whole, name: string) => PSEUDO_PARAMETERS[name] ?? whole);
};

/** The six parts of an ARN; the last (the resource) may hold colons. */
const arnParts = (arn: string) => {
  const [arnPart, partition, service, region, account, ...resource] = arn.split(':');
  return [arnPart, partition, service, region, account, resource.join(':')];
};

/**
 * IAM's reading of an ARN pattern (a Resource, or ArnLike's value): part by part, `*` any run of characters
 * (`/` included) and `?` any one.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
const arnLike = (pattern: string, arn: string) => {
  const wanted = arnParts(pattern);
  return arnParts(arn).every((part, index) => {
    const glob = (wanted[index] ?? '')
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.');
    return new RegExp(`^${glob}$`).test(part ?? '');
  });
};

/** Resources of an account's partner buses: `event-bus/<bus name>`, `rule/<bus name>/<rule name>`. */
const busArn = (bus: string, account = ACCOUNT, region = REGION) =>
  `arn:aws:events:${region}:${account}:event-bus/${bus}`;
const ruleArn = (bus: string, account = ACCOUNT, region = REGION) =>
  `arn:aws:events:${region}:${account}:rule/${bus}/bigcommerce-webhooks-dev`;

/** Partner bus names of both forms BigCommerce's docs show (reference/bigcommerce-webhooks.md §8). */
const BIGCOMMERCE_BUSES = [
  'aws.partner/bigcommerce.com/test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1',
  'aws.partner/bigcommerce.com.test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1',
];
/** Buses that are not BigCommerce's, some with names that start like theirs. */
const OTHER_BUSES = [
  'aws.partner/bigcommerce.commerce/test/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1',
  'aws.partner/bigcommerce.com.testing/75fq9aqff/bigcommerce-webhooks-k7q2m9x4p1',
  'aws.partner/shopify.com/12345/orders',
  'default',
  'my-custom-bus',
];
/** ARNs of BigCommerce buses (or their rules) in another account or another region. */
const elsewhere = (arnOf: typeof busArn) =>
  BIGCOMMERCE_BUSES.flatMap((bus) => [arnOf(bus, '210987654321'), arnOf(bus, ACCOUNT, 'eu-west-1')]);

let dir: string;
let resources: Record<string, Resource>;
let conditions: Record<string, unknown>;
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const statementsOf = (role: Resource): Statement[] =>
  ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bc-package-'));
  // No credentials: packaging must work without an AWS account.
  const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...inherited } = process.env;
  const env = { ...inherited, SLS_TELEMETRY_DISABLED: '1' };
  // Packaged in a copy of the tree: serverless builds in the service folder, where another test file may be
  // running serverless offline on its own bundles.
  const tree = copyWorkTree('bc-package-tree');
  try {
    await promisify(execFile)('npx', ['serverless', 'package', '--package', dir], {
      cwd: tree.dir,
      env,
      timeout: 180_000,
    });
  } finally {
    tree.remove();
  }
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
  conditions = template.Conditions ?? {};
}, 200_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Security: the packaged CloudFormation template', () => {
  it('requires AWS_IAM on every HTTP route but the HTTPS webhook ingress, which BigCommerce calls', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    expect(routes.map(([, route]) => route.Properties.RouteKey)).toContain('GET /provision');
    const open = routes.filter(([, route]) => route.Properties.AuthorizationType !== 'AWS_IAM');
    expect(open.map(([, route]) => route.Properties.RouteKey)).toEqual(['POST /webhooks/{storeHash}']);
    expect(open[0]?.[1].Properties.AuthorizerId).toBeUndefined();
    for (const [name, route] of routes.filter((entry) => !open.includes(entry))) {
      expect(route.Properties.AuthorizationType, name).toBe('AWS_IAM');
    }
  });

  it('lets the ingress only send to the queue and read the client secret, and decrypt it only with a configured key', () => {
    // Prepare
    const role = ofType('AWS::IAM::Role').find(([name]) => name === 'IngestRole')?.[1];
    const statements = statementsOf(role as Resource).filter(
      (statement) => !arrayOf(statement.Action).every((action) => action.startsWith('logs:')),
    );
    const keyPolicies = ofType('AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.Roles).includes('IngestRole'),
    );

    // Assess
    expect(
      statements.map((statement) => ({
        Effect: statement.Effect,
        Action: arrayOf(statement.Action),
        Resource: arrayOf(statement.Resource).map(resolved),
      })),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [JSON.stringify({ 'Fn::GetAtt': ['WebhookQueue', 'Arn'] })],
      },
      {
        Effect: 'Allow',
        Action: ['ssm:GetParameter'],
        Resource: [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/bigcommerce-webhooks/dev/client-secret`],
      },
    ]);
    expect(keyPolicies).toHaveLength(1);
    const [, keyPolicy] = keyPolicies[0] as [string, Resource & { Condition?: string }];
    expect(keyPolicy.Condition).toBe('ClientSecretHasCustomerKey');
    // Without --param clientSecretKmsKeyArn the key policy is not deployed at all.
    expect(conditionValue(conditions.ClientSecretHasCustomerKey)).toBe(false);
    const keyStatements = (keyPolicy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(
      keyStatements.map((statement) => ({
        Effect: statement.Effect,
        Action: arrayOf(statement.Action),
        Resource: arrayOf(statement.Resource),
        Condition: Object.fromEntries(
          Object.entries(statement.Condition ?? {}).map(([operator, values]) => [
            operator,
            Object.fromEntries(Object.entries(values).map(([key, value]) => [key, resolved(value)])),
          ]),
        ),
      })),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        // The parameter's default, '' (the policy exists only under the condition, when it is a key ARN).
        Resource: [''],
        Condition: {
          StringEquals: {
            'kms:EncryptionContext:PARAMETER_ARN': `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/bigcommerce-webhooks/dev/client-secret`,
          },
        },
      },
    ]);
  });

  it("writes the ingress's logs to its own log group only, and attaches no managed policy to its role", () => {
    // Prepare
    const role = ofType('AWS::IAM::Role').find(([name]) => name === 'IngestRole')?.[1] as Resource;
    const logs = statementsOf(role).filter((statement) =>
      arrayOf(statement.Action).some((action) => action.startsWith('logs:')),
    );

    // Assess
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.PermissionsBoundary).toBeUndefined();
    expect(
      ofType('AWS::IAM::ManagedPolicy').filter(([, policy]) =>
        JSON.stringify(policy.Properties.Roles ?? []).includes('IngestRole'),
      ),
    ).toEqual([]);
    expect(
      logs.map((statement) => ({
        Effect: statement.Effect,
        Action: arrayOf(statement.Action),
        Resource: arrayOf(statement.Resource).map(resolved),
        Condition: statement.Condition,
      })),
    ).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/bigcommerce-webhooks-dev-ingest:*`,
        ],
        Condition: undefined,
      },
    ]);
  });

  it('opens no second public endpoint: no function URL and no REST API', () => {
    expect(ofType('AWS::Lambda::Url')).toEqual([]);
    expect(
      Object.values(resources).filter((resource) => resource.Type.startsWith('AWS::ApiGateway::')),
    ).toEqual([]);
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
  });

  it('caps the public ingress: reserved concurrency, and a throttle on its route only', () => {
    // Prepare
    const ingest = ofType('AWS::Lambda::Function').find(([name]) => name === 'IngestLambdaFunction')?.[1];
    const stages = ofType('AWS::ApiGatewayV2::Stage');
    const stage = stages[0]?.[1] as Resource & { DependsOn?: string | string[] };
    const routes = ofType('AWS::ApiGatewayV2::Route');
    const webhookRoute = routes.find(
      ([, route]) => route.Properties.RouteKey === 'POST /webhooks/{storeHash}',
    )?.[0];

    // Assess
    expect(ingest?.Properties.ReservedConcurrentExecutions).toBe(20);
    expect(stages).toHaveLength(1);
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /webhooks/{storeHash}': { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    });
    // Route settings name a route key the stage can only find once the route exists.
    expect(arrayOf(stage.DependsOn ?? [])).toContain(webhookRoute);
    // The IAM-authenticated provision routes keep the account's limits.
    expect(stage.Properties.DefaultRouteSettings).not.toHaveProperty('ThrottlingRateLimit');
    expect(stage.Properties.DefaultRouteSettings).not.toHaveProperty('ThrottlingBurstLimit');
  });

  it('lets provision read, update and scan only the stores table, and delete none of its items', () => {
    const role = ofType('AWS::IAM::Role').find(([name]) => name === 'ProvisionRole')?.[1];
    const dynamo = statementsOf(role as Resource).filter((statement) =>
      arrayOf(statement.Action).some((action) => action.startsWith('dynamodb:')),
    );
    expect(dynamo).toHaveLength(1);
    expect(arrayOf(dynamo[0]?.Action).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(dynamo[0]?.Resource).toEqual({ 'Fn::GetAtt': ['StoresTable', 'Arn'] });
  });

  it('grants no wildcard action, and Resource "*" only to actions IAM cannot scope', () => {
    const roles = ofType('AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    // Roles' inline policies, and the policies attached to roles apart (AWS::IAM::Policy, ManagedPolicy).
    const policies = [...ofType('AWS::IAM::Policy'), ...ofType('AWS::IAM::ManagedPolicy')];
    expect(policies.map(([name]) => name)).toContain('IngestClientSecretKey');
    const documents: [string, Statement[]][] = [
      ...roles.map(([name, role]): [string, Statement[]] => [name, statementsOf(role)]),
      ...policies.map(([name, policy]): [string, Statement[]] => [
        name,
        arrayOf((policy.Properties.PolicyDocument as { Statement: Statement | Statement[] }).Statement),
      ]),
    ];
    for (const [name, statements] of documents) {
      for (const statement of statements) {
        const actions = arrayOf(statement.Action);
        for (const action of actions) expect(action, `${name}: ${action}`).not.toContain('*');
        if (arrayOf(statement.Resource).includes('*')) {
          for (const action of actions)
            expect(UNSCOPABLE.has(action), `${name}: ${action} on "*"`).toBe(true);
        }
      }
    }
  });

  it('uses a role of its own for each function', () => {
    const functions = ofType('AWS::Lambda::Function');
    const roles = functions.map(([, fn]) => JSON.stringify(fn.Properties.Role));
    expect(new Set(roles).size).toBe(functions.length);
  });

  it("lets only EventBridge rules on this account's and region's BigCommerce partner buses, of either name, send to the queues", () => {
    // Prepare
    const policies = ofType('AWS::SQS::QueuePolicy');
    const statements = policies.flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const admits = (rule: string) =>
      statements.some((statement) =>
        arrayOf(statement.Condition?.ArnLike?.['aws:SourceArn'] ?? []).some((pattern) =>
          arnLike(resolved(pattern), rule),
        ),
      );

    // Assess
    expect(policies).toHaveLength(1);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(arrayOf(statement.Action)).toEqual(['sqs:SendMessage']);
      expect(Object.keys(statement.Condition ?? {})).toEqual(['ArnLike']);
    }
    for (const bus of BIGCOMMERCE_BUSES) expect(admits(ruleArn(bus)), ruleArn(bus)).toBe(true);
    for (const rule of [...OTHER_BUSES.map((bus) => ruleArn(bus)), ...elsewhere(ruleArn)]) {
      expect(admits(rule), rule).toBe(false);
    }
  });

  it("lets provision manage only this account's and region's BigCommerce partner buses and their rules, of either name", () => {
    // Prepare
    const provision = ofType('AWS::IAM::Role').find(([name]) => name === 'ProvisionRole')?.[1];
    const statements = statementsOf(provision as Resource);
    const allows = (action: string, arn: string) =>
      statements.some(
        (statement) =>
          statement.Effect === 'Allow' &&
          arrayOf(statement.Action).includes(action) &&
          arrayOf(statement.Resource).some((pattern) => arnLike(resolved(pattern), arn)),
      );
    const tagActions = ['TagResource', 'ListTagsForResource'];
    const busActions = ['DescribeEventBus', 'CreateEventBus', 'DeleteEventBus', ...tagActions];
    const ruleActions = [
      'DescribeRule',
      'PutRule',
      'DeleteRule',
      'ListTargetsByRule',
      'PutTargets',
      'RemoveTargets',
      ...tagActions,
    ];
    const others = [
      ...OTHER_BUSES.flatMap((bus) => [busArn(bus), ruleArn(bus)]),
      ...elsewhere(busArn),
      ...elsewhere(ruleArn),
    ];

    // Assess
    for (const bus of BIGCOMMERCE_BUSES) {
      for (const action of busActions) expect(allows(`events:${action}`, busArn(bus)), action).toBe(true);
      for (const action of ruleActions) expect(allows(`events:${action}`, ruleArn(bus)), action).toBe(true);
    }
    for (const arn of others) {
      for (const action of new Set([...busActions, ...ruleActions])) {
        expect(allows(`events:${action}`, arn), `${action} on ${arn}`).toBe(false);
      }
    }
  });

  it("lets provision and reconcile set up bus logging only on BigCommerce buses and this deployment's deliveries", () => {
    // Prepare
    const logsArn = (resource: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:${resource}`;
    const ownSource = logsArn('delivery-source:bigcommerce-webhooks-dev-k7q2m9x4p1-info');
    const ownDestination = logsArn('delivery-destination:bigcommerce-webhooks-dev-bus-logs');
    const delivery = logsArn('delivery:a1b2c3d4e5f60718');
    const foreign = [
      logsArn('delivery-source:someone-else-k7q2m9x4p1-info'),
      logsArn('delivery-destination:someone-else'),
      `arn:aws:logs:eu-west-1:${ACCOUNT}:delivery-source:bigcommerce-webhooks-dev-k7q2m9x4p1-info`,
    ];
    const wanted: [string, string[]][] = [
      ['events:UpdateEventBus', BIGCOMMERCE_BUSES.map((bus) => busArn(bus))],
      ['events:AllowVendedLogDeliveryForResource', BIGCOMMERCE_BUSES.map((bus) => busArn(bus))],
      ['logs:GetDeliverySource', [ownSource]],
      ['logs:PutDeliverySource', [ownSource]],
      ['logs:DeleteDeliverySource', [ownSource]],
      ['logs:GetDeliveryDestination', [ownDestination]],
      ['logs:PutDeliveryDestination', [ownDestination]],
      ['logs:CreateDelivery', [delivery, ownSource, ownDestination]],
      ['logs:DeleteDelivery', [delivery]],
    ];

    for (const roleName of ['ProvisionRole', 'ReconcileRole']) {
      const statements = statementsOf(resources[roleName] as Resource);
      const allows = (action: string, arn: string) =>
        statements.some(
          (statement) =>
            statement.Effect === 'Allow' &&
            arrayOf(statement.Action).includes(action) &&
            arrayOf(statement.Resource).some((pattern) => arnLike(resolved(pattern), arn)),
        );

      // Assess
      for (const [action, arns] of wanted) {
        for (const arn of arns) expect(allows(action, arn), `${roleName}: ${action} on ${arn}`).toBe(true);
        const others = [...OTHER_BUSES.map((bus) => busArn(bus)), ...elsewhere(busArn), ...foreign];
        for (const arn of others) expect(allows(action, arn), `${roleName}: ${action} on ${arn}`).toBe(false);
      }
      // No log group policy of its own: the template declares the delivery service's.
      const actions = statements.flatMap((statement) => arrayOf(statement.Action));
      expect(actions).not.toContain('logs:PutResourcePolicy');
    }
  });

  it("keeps the bus logs in one log group with a retention, writable only by this account's log deliveries", () => {
    // Prepare
    const group = resources.BusLogGroup as Resource;
    const policy = resources.BusLogGroupDeliveryPolicy as Resource;
    const document = JSON.parse(resolved(policy.Properties.PolicyDocument)) as { Statement: Statement[] };
    const [statement] = document.Statement as (Statement & { Principal: unknown })[];

    // Assess
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect(group.Properties).toEqual({
      LogGroupName: '/aws/vendedlogs/events/bigcommerce-webhooks-dev',
      RetentionInDays: 14,
    });
    expect(document.Statement).toHaveLength(1);
    expect(statement?.Principal).toEqual({ Service: 'delivery.logs.amazonaws.com' });
    expect(arrayOf(statement?.Action ?? []).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(statement?.Resource).toBe(
      `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/events/bigcommerce-webhooks-dev:*`,
    );
    expect(statement?.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': ACCOUNT });
  });

  it('encrypts every queue with SSE-SQS and keeps dead letters 14 days', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBe(2);
    for (const [, queue] of queues) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      expect(queue.Properties.KmsMasterKeyId).toBeUndefined();
    }
    const dlq = queues.find(([name]) => name === 'DeadLetterQueue')?.[1];
    expect(dlq?.Properties.MessageRetentionPeriod).toBe(1209600);
  });

  it("bounds the consumer's concurrent invocations, so they cannot multiply a store's BigCommerce quota", () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.[1].Properties.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
  });

  it('lets only the provision, consume and reconcile functions read store tokens, and only under the token path', () => {
    const readsSsm = (statement: Statement) =>
      arrayOf(statement.Action).some((action) => action.startsWith('ssm:'));
    // The ingress reads the client secret only, as the test of its role checks.
    const readers = ofType('AWS::IAM::Role').filter(
      ([name, role]) => name !== 'IngestRole' && statementsOf(role).some(readsSsm),
    );
    expect(readers.map(([name]) => name).sort()).toEqual(['ConsumeRole', 'ProvisionRole', 'ReconcileRole']);
    for (const [, role] of readers) {
      for (const statement of statementsOf(role).filter(readsSsm)) {
        expect(arrayOf(statement.Action)).toEqual(['ssm:GetParameter']);
        expect(JSON.stringify(statement.Resource)).toContain(':parameter/');
        expect(JSON.stringify(statement.Resource)).toContain('/*/access-token');
        expect(arrayOf(statement.Resource)).not.toContain('*');
      }
    }
  });
});

/** A CloudFormation condition of literals only (`Fn::Not`, `Fn::Equals`), as the template has it without parameters. */
const conditionValue = (value: unknown): boolean => {
  const node = value as { 'Fn::Not'?: unknown[]; 'Fn::Equals'?: unknown[] };
  if (node['Fn::Not']) return !conditionValue(node['Fn::Not'][0]);
  if (node['Fn::Equals']) return node['Fn::Equals'][0] === node['Fn::Equals'][1];
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
};

describe('Operations: the registry, the schedule, the reconcile role and the alarms', () => {
  const alarm = (name: string) => {
    const found = resources[name];
    expect(found?.Type).toBe('AWS::CloudWatch::Alarm');
    return (found as Resource).Properties;
  };

  it('keeps the store registry in an on-demand table with point-in-time recovery', () => {
    const table = resources.StoresTable?.Properties ?? {};
    expect(table.TableName).toBe('bigcommerce-webhooks-dev-stores');
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('runs reconcile daily by default, one run at a time, with its own role', () => {
    const schedules = ofType('AWS::Events::Rule').filter(([name]) => name.startsWith('Reconcile'));
    expect(schedules.map(([, rule]) => rule.Properties.ScheduleExpression)).toEqual(['rate(1 day)']);
    const target = ((schedules[0]?.[1].Properties.Targets ?? []) as { Arn: unknown }[])[0];
    expect(target?.Arn).toEqual({ 'Fn::GetAtt': ['ReconcileLambdaFunction', 'Arn'] });
    const fn = resources.ReconcileLambdaFunction?.Properties ?? {};
    expect(fn.Role).toEqual({ 'Fn::GetAtt': ['ReconcileRole', 'Arn'] });
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Timeout).toBe(900);
  });

  it("grants reconcile exactly provision's reconciler calls, on the same resources, and nothing of the queues", () => {
    const grants = (roleName: string) =>
      Object.fromEntries(
        statementsOf(resources[roleName] as Resource)
          .filter((statement) => !arrayOf(statement.Action).some((action) => action.startsWith('logs:')))
          .map((statement) => [
            arrayOf(statement.Action).sort().join(','),
            JSON.stringify(statement.Resource),
          ]),
      );
    const reconcile = statementsOf(resources.ReconcileRole as Resource);
    expect(grants('ReconcileRole')).toEqual(grants('ProvisionRole'));
    const actions = reconcile.flatMap((statement) => arrayOf(statement.Action));
    expect(actions.filter((action) => /^(sqs|lambda|cloudwatch|iam|sns):/.test(action))).toEqual([]);
    expect(actions).not.toContain('dynamodb:DeleteItem');
    const logs = reconcile.find((statement) => arrayOf(statement.Action).includes('logs:PutLogEvents'));
    expect(resolved(logs?.Resource)).toContain(':log-group:/aws/lambda/bigcommerce-webhooks-dev-reconcile:*');
  });

  it("lets consume only mark stores uninstalled in the stores table (one UpdateItem), nothing of provision's", () => {
    const onStores = statementsOf(resources.ConsumeRole as Resource).filter(
      (statement) =>
        JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': ['StoresTable', 'Arn'] }),
    );
    expect(onStores.map((statement) => arrayOf(statement.Action))).toEqual([['dynamodb:UpdateItem']]);
    const actions = statementsOf(resources.ConsumeRole as Resource).flatMap((statement) =>
      arrayOf(statement.Action),
    );
    expect(actions.filter((action) => action.startsWith('events:'))).toEqual([]);
  });

  it('alarms on dead letters, an old queue message, consume errors and throttles, and reconcile failures', () => {
    const dlq = alarm('DeadLetterQueueNotEmptyAlarm');
    expect([dlq.Namespace, dlq.MetricName, dlq.ComparisonOperator, dlq.Threshold]).toEqual([
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      'GreaterThanThreshold',
      0,
    ]);
    expect(dlq.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } },
    ]);
    const age = alarm('QueueOldestMessageAlarm');
    expect([age.MetricName, age.Threshold]).toEqual(['ApproximateAgeOfOldestMessage', 3600]);
    expect(age.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['WebhookQueue', 'QueueName'] } },
    ]);
    for (const [name, metric] of [
      ['ConsumeErrorsAlarm', 'Errors'],
      ['ConsumeThrottlesAlarm', 'Throttles'],
    ] as const) {
      const found = alarm(name);
      expect([found.Namespace, found.MetricName, found.Statistic, found.Threshold]).toEqual([
        'AWS/Lambda',
        metric,
        'Sum',
        0,
      ]);
      expect(found.Dimensions).toEqual([{ Name: 'FunctionName', Value: 'bigcommerce-webhooks-dev-consume' }]);
    }
    // The run's own metric, with the dimensions Powertools Metrics gives it (service) and the stage.
    const failures = alarm('ReconcileFailuresAlarm');
    expect([failures.Namespace, failures.MetricName, failures.Statistic]).toEqual([
      'bigcommerce-webhooks',
      'StoresFailed',
      'Sum',
    ]);
    expect(failures.Dimensions).toEqual([
      { Name: 'service', Value: 'bigcommerce-webhooks' },
      { Name: 'stage', Value: 'dev' },
    ]);
    expect(alarm('ReconcileErrorsAlarm').Dimensions).toEqual([
      { Name: 'FunctionName', Value: 'bigcommerce-webhooks-dev-reconcile' },
    ]);
  });

  it('sends every alarm to the topic only when an email is given, and has no topic or subscription otherwise', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(6);
    for (const [, found] of alarms) {
      expect(found.Properties.AlarmActions).toEqual({
        'Fn::If': ['HasAlarmEmail', [{ Ref: 'AlarmTopic' }], { Ref: 'AWS::NoValue' }],
      });
    }
    const conditional = Object.entries(resources).filter(([, found]) =>
      ['AWS::SNS::Topic', 'AWS::SNS::Subscription'].includes(found.Type),
    );
    expect(conditional.map(([name]) => name).sort()).toEqual(['AlarmEmailSubscription', 'AlarmTopic']);
    for (const [name] of conditional) {
      expect((resources[name] as Resource & { Condition?: string }).Condition).toBe('HasAlarmEmail');
    }
    expect(conditionValue(conditions.HasAlarmEmail)).toBe(false);
    expect(resources.AlarmEmailSubscription?.Properties.Protocol).toBe('email');
  });
});
