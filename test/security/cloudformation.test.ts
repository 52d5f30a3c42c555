import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
const UNSCOPABLE = new Set(['events:ListEventSources']);

const arrayOf = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

let dir: string;
let resources: Record<string, Resource>;
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
  await promisify(execFile)('npx', ['serverless', 'package', '--package', dir], { env, timeout: 180_000 });
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 200_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Security: the packaged CloudFormation template', () => {
  it('requires AWS_IAM on every HTTP route', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route');
    for (const [name, route] of routes) expect(route.Properties.AuthorizationType, name).toBe('AWS_IAM');
  });

  it('grants no wildcard action, and Resource "*" only to actions IAM cannot scope', () => {
    const roles = ofType('AWS::IAM::Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const [name, role] of roles) {
      for (const statement of statementsOf(role)) {
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

  it('lets only EventBridge rules on BigCommerce partner buses of this account send to the queues', () => {
    const policies = ofType('AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(1);
    const statements = policies.flatMap(
      ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(arrayOf(statement.Action)).toEqual(['sqs:SendMessage']);
      const sourceArn = JSON.stringify(
        statement.Condition?.ArnLike?.['aws:SourceArn'] ?? statement.Condition?.ArnEquals?.['aws:SourceArn'],
      );
      expect(sourceArn).toContain(':rule/aws.partner/bigcommerce.com/');
      expect(sourceArn).toContain('AWS::AccountId');
    }
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

  it('lets only the provision function read store tokens, and only under the token path', () => {
    const readers = ofType('AWS::IAM::Role').filter(([, role]) =>
      statementsOf(role).some((statement) =>
        arrayOf(statement.Action).some((action) => action.startsWith('ssm:')),
      ),
    );
    expect(readers.map(([name]) => name)).toEqual(['ProvisionRole']);
    const ssm = statementsOf(readers[0]?.[1] as Resource).filter((statement) =>
      arrayOf(statement.Action).some((action) => action.startsWith('ssm:')),
    );
    for (const statement of ssm) {
      expect(arrayOf(statement.Action)).toEqual(['ssm:GetParameter']);
      expect(JSON.stringify(statement.Resource)).toContain(':parameter/');
      expect(arrayOf(statement.Resource)).not.toContain('*');
    }
  });
});
