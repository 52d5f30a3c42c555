import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { listPartnerSources } from '../aws/event-sources.js';
import { type Place, queuePolicyProblems } from '../aws/queue-policy.js';
import { PARTNER_SOURCE_PREFIXES } from '../bigcommerce/envelope.js';
import { AccessRefusedError, type StoreGraphQL } from '../bigcommerce/graphql/client.js';
import { DOCUMENTS_FOR } from '../bigcommerce/graphql/documents.js';
import { PreflightError, preflight } from '../bigcommerce/graphql/preflight.js';
import { messageOf } from '../errors.js';
import type { KeyedLogger } from '../logger.js';
import { defaultEventSourceName } from '../provisioning/names.js';
import { status } from '../provisioning/status.js';
import type { ProvisionSettings, Transport } from '../provisioning/types.js';
import { queueUrlOf } from './queues.js';

/** One line of the checklist: `fail` blocks a provision, `warn` is worth knowing, `ok` is fine. */
export interface Check {
  name: string;
  result: 'ok' | 'warn' | 'fail';
  detail: string;
}

export interface DoctorInput {
  storeHash: string;
  /** The deployment's event source name prefix, `<service>-<stage>`. */
  prefix: string;
  queueName: string;
  deadLetterQueueName: string;
  ruleName: string;
  targetId: string;
  clientId: string;
  region: string;
  /** The scopes status compares against (the handler registry's by default). */
  scopes: string[];
  /** Only the BigCommerce checks (no AWS credentials needed). */
  bigCommerceOnly: boolean;
  /**
   * The transport the store is to be provisioned with: only the documents it sends are checked, and only
   * EventBridge needs createEventSource (a closed beta) and the partner sources.
   */
  transport: Transport;
  /** The ingress base URL HTTPS webhooks point at (provision's INGRESS_BASE_URL), for an HTTPS store's status. */
  ingressBaseUrl?: string;
}

export interface DoctorDeps {
  graphql: StoreGraphQL;
  eventBridge?: EventBridgeClient;
  sqs?: SQSClient;
  logger: KeyedLogger;
}

const ok = (name: string, detail: string): Check => ({ name, result: 'ok', detail });
const warn = (name: string, detail: string): Check => ({ name, result: 'warn', detail });
const fail = (name: string, detail: string): Check => ({ name, result: 'fail', detail });

/** What the store must offer beyond the common documents, per transport, as the checklist names it. */
const TRANSPORT_MUTATION: Record<Transport, { document: string; offered: string; missing: string }> = {
  eventbridge: {
    document: 'createEventSource',
    offered:
      'the store offers createEventSource (a closed beta: BigCommerce may still refuse it for this store)',
    missing:
      'the store does not offer createEventSource (a closed beta): provision it with "transport": "https" instead',
  },
  https: {
    document: 'createHttpsWebhook',
    offered: 'the store offers createHttpsWebhook',
    missing: 'the store does not offer createHttpsWebhook',
  },
};

/**
 * The BigCommerce half: the token, the schema (adapted) for the documents the transport sends, and whether
 * the transport's own mutation (createEventSource, createHttpsWebhook) is offered.
 */
const bigCommerceChecks = async (
  deps: DoctorDeps,
  storeHash: string,
  transport: Transport,
): Promise<Check[]> => {
  const mutation = TRANSPORT_MUTATION[transport];
  try {
    const found = await preflight(deps.graphql, { key: storeHash, documents: DOCUMENTS_FOR[transport] });
    return [
      ok('token', `BigCommerce accepted the access token for store ${storeHash}`),
      found.preflight === 'verified'
        ? ok(
            'schema',
            `every document ${transport} provisioning sends validates against the store's schema${
              found.adaptations.length > 0
                ? `, adapted: ${found.adaptations.join('; ')}`
                : ' with no adaptation'
            }`,
          )
        : warn(
            'schema',
            'the store refuses introspection: each document was sent once without variables and none was refused; the documented names are used',
          ),
      ok(mutation.document, mutation.offered),
    ];
  } catch (error) {
    if (error instanceof AccessRefusedError) {
      return [fail('token', `${messageOf(error)}: check BIGCOMMERCE_ACCESS_TOKEN and the store hash`)];
    }
    if (error instanceof PreflightError) {
      const offered = !error.issues.some((issue) => issue.document === mutation.document);
      return [
        ok('token', `BigCommerce accepted the access token for store ${storeHash}`),
        ...error.issues.map((issue) => fail('schema', `${issue.document}: ${issue.message}`)),
        offered ? ok(mutation.document, mutation.offered) : fail(mutation.document, mutation.missing),
      ];
    }
    return [fail('token', `BigCommerce could not be asked: ${messageOf(error)}`)];
  }
};

/** The account, region and partition of the queue's ARN. */
const placeOf = (queueArn: string): Place | undefined => {
  const [, partition, , region, account] = queueArn.split(':');
  return partition && region && account ? { partition, region, account } : undefined;
};

const queueChecks = async (sqs: SQSClient, input: DoctorInput) => {
  const checks: Check[] = [];
  let place: Place | undefined;
  for (const [label, name] of [
    ['queue', input.queueName],
    ['dead-letter queue', input.deadLetterQueueName],
  ] as const) {
    try {
      const url = await queueUrlOf(sqs, name);
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'Policy'] }),
      );
      const arn = Attributes.QueueArn ?? '';
      place ??= placeOf(arn);
      checks.push(ok(label, `${name} exists (${arn})`));
      const problems = place ? queuePolicyProblems(Attributes.Policy, arn, place) : ['no ARN'];
      checks.push(
        problems.length === 0
          ? ok(`${label} policy`, "admits EventBridge from rules on this account's BigCommerce partner buses")
          : fail(`${label} policy`, problems.join('; ')),
      );
    } catch (error) {
      checks.push(fail(label, `${name}: ${messageOf(error)} (deploy the stack first)`));
    }
  }
  return { checks, place };
};

/**
 * The checklist a user runs before a store's first provision, against the store's BigCommerce API and,
 * unless `bigCommerceOnly`, the AWS account the credentials reach: the token, the schema of the documents
 * the store's transport sends (with each adaptation named), that transport's mutation (createEventSource
 * or createHttpsWebhook), the AWS account and region, the partner sources visible (EventBridge only), the
 * queue, DLQ and queue policy, and the store's current status. `ok` is false when anything blocks.
 */
export const doctor = async (
  input: DoctorInput,
  deps: DoctorDeps,
): Promise<{ ok: boolean; checks: Check[] }> => {
  const checks = await bigCommerceChecks(deps, input.storeHash, input.transport);
  if (!input.bigCommerceOnly && deps.sqs && deps.eventBridge) {
    const queues = await queueChecks(deps.sqs, input);
    checks.push(
      queues.place
        ? ok('aws', `account ${queues.place.account}, region ${queues.place.region}`)
        : fail('aws', 'the queue ARN names no account and region'),
      ...queues.checks,
    );
    // An HTTPS store has no partner source: BigCommerce POSTs to the ingress.
    if (input.transport === 'eventbridge') checks.push(await sourceCheck(deps.eventBridge, input));
    if (queues.place && !checks.some((check) => check.result === 'fail')) {
      checks.push(await statusCheck(input, deps, queues.place));
    }
  }
  return { ok: !checks.some((check) => check.result === 'fail'), checks };
};

const sourceCheck = async (eventBridge: EventBridgeClient, input: DoctorInput): Promise<Check> => {
  try {
    const names = (await listPartnerSources(eventBridge, PARTNER_SOURCE_PREFIXES)).map(
      (source) => source.name,
    );
    const own = defaultEventSourceName(input.prefix, input.storeHash);
    const mine = names.filter((name) => name.endsWith(`/${own}`));
    return ok(
      'partner sources',
      `${names.length} BigCommerce partner source(s) visible${mine.length > 0 ? `, including this store's ${mine.join(', ')}` : `; none yet named ${own} (the first provision creates it)`}`,
    );
  } catch (error) {
    return fail('partner sources', messageOf(error));
  }
};

const statusCheck = async (input: DoctorInput, deps: DoctorDeps, place: Place): Promise<Check> => {
  if (input.transport === 'https' && !input.ingressBaseUrl) {
    // Without it, the store's HTTPS webhooks cannot be told from another receiver's.
    return warn(
      'status',
      'not compared: give the ingress base URL (--ingress-url) to compare an HTTPS store',
    );
  }
  const queueArn = (name: string) => `arn:${place.partition}:sqs:${place.region}:${place.account}:${name}`;
  const settings: ProvisionSettings = {
    awsAccount: place.account,
    region: place.region,
    clientId: input.clientId,
    managedBy: input.prefix,
    queueArn: queueArn(input.queueName),
    deadLetterQueueArn: queueArn(input.deadLetterQueueName),
    ruleName: input.ruleName,
    targetId: input.targetId,
    sourceWaitMs: 0,
    ...(input.ingressBaseUrl && { ingressBaseUrl: input.ingressBaseUrl }),
  };
  try {
    const report = await status(
      {
        storeHash: input.storeHash,
        eventSourceName: defaultEventSourceName(input.prefix, input.storeHash),
        scopes: input.scopes,
        transport: input.transport,
      },
      settings,
      {
        eventBridge: deps.eventBridge as EventBridgeClient,
        graphqlFor: async () => deps.graphql,
        logger: deps.logger,
      },
    );
    const missing = report.resources.filter((resource) => resource.status !== 'present');
    return ok(
      'status',
      report.converged
        ? 'the store is provisioned: every resource present'
        : `not provisioned yet or drifted: ${missing.map((r) => `${r.resource} ${r.status}`).join(', ')}`,
    );
  } catch (error) {
    return fail('status', messageOf(error));
  }
};
