import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { startCloudWatchLogs } from './cloudwatch-logs.js';
import { type LocalDynamo, startDynamo } from './dynamo.js';
import { type DynamoFaults, startDynamoFaults } from './dynamo-faults.js';
import {
  type BatchReport,
  type EventSourceMapping,
  type InvokeBatch,
  startEventSourceMapping,
} from './event-source-mapping.js';
import { type EventBridgeEmulator, startEventBridgeEmulator } from './eventbridge/index.js';
import type { Behaviour } from './eventbridge/state.js';
import { assertPortsFree, freePorts } from './ports.js';
import { type LocalQueues, startQueues } from './queues.js';
import { partnerEventPublisher } from './sandbox/fire.js';
import { configureHttpsDelivery, SANDBOX_CLIENT_SECRET } from './sandbox/https-delivery.js';
import { partnerClients, partnerSourceHook } from './sandbox/partner-source-hook.js';
import type { PartnerName } from './sandbox/resolvers.js';
import { type Sandbox, startSandbox } from './sandbox/server.js';
import {
  SANDBOX_ACCOUNTS,
  SANDBOX_CLIENT_ID,
  SANDBOX_STORE_HASHES,
  SANDBOX_TOKEN,
} from './sandbox/stores.js';
import { lambdaInvoker, type ServerlessOffline, startServerlessOffline } from './serverless-offline.js';
import { CLIENT_SECRET_PARAMETER, startSsm } from './ssm.js';
import { ACCOUNT_ID, CONSUME_FUNCTION, PORTS, REGION, SERVICE, STAGE } from './stack-config.js';

/** The first sandbox store, and the API account that may call it (local values, not secrets). */
export const SANDBOX_STORE = {
  storeHash: SANDBOX_STORE_HASHES[0],
  token: SANDBOX_TOKEN,
  clientId: SANDBOX_CLIENT_ID,
} as const;

export const DEDUPE_TABLE = `${SERVICE}-${STAGE}-dedupe`;

/**
 * The eventual consistency the offline stack's EventBridge has by default: AWS documents none in numbers
 * ("allow a short period of time for changes to take effect"), so a short one that code must cope with.
 */
export const STACK_CONSISTENCY = { propagationMs: 250, deleteWindowMs: 250 } as const;
export const STORES_TABLE = `${SERVICE}-${STAGE}-stores`;

export interface StackOptions {
  /** Ports of each part; 0 picks a free one (tests). Defaults: the documented ones. */
  ports?: Partial<Record<keyof typeof PORTS | 'dynamodb', number>>;
  /**
   * Who consumes the queue: `serverless-offline` (the bundled function, as deployed; also serves the
   * provision routes) or a function called in this process (tests).
   */
  consume: 'serverless-offline' | InvokeBatch;
  /**
   * The EventBridge emulator's quotas and consistency; by default changes take {@link STACK_CONSISTENCY}
   * to reach matching and deletes see what was just removed for as long, as in AWS after "a short while".
   */
  eventBridgeBehaviour?: Partial<Behaviour>;
  /** More variables for the functions (e.g. a shorter EVENT_SOURCE_WAIT_MS in tests). */
  functionEnv?: Record<string, string>;
  /** The partner name of the sandbox's source names: `bigcommerce.com` (default) or `bigcommerce.com.test`. */
  partnerName?: PartnerName;
  /** Local retries: failed records come back after this many seconds (default 2). */
  visibilityTimeoutSeconds?: number;
  /** Where serverless offline runs (default: the current directory); see {@link startServerlessOffline}. */
  serverlessCwd?: string;
  /** More `${param:...}` values for serverless offline (e.g. the soak's `consumeTimeout`). */
  serverlessParams?: Record<string, string>;
  /** Batches the event source mapping hands to consume at once (default 1; Lambda runs five at first). */
  consumeConcurrency?: number;
  onBatch?: (report: BatchReport) => void;
  /** Called with each batch just before it is handed to consume (a fault knob arms itself here). */
  onInvoke?: (records: SQSRecord[]) => void;
  /**
   * Puts {@link DynamoFaults} (an HTTP proxy that can refuse or stall the dedupe table's calls) between the
   * functions and dynalite; off by default, so other runs pay no extra hop.
   */
  dynamoFaults?: boolean;
  /** Where the parts' own output goes (serverless offline's lines, the emulator's warnings). */
  output?: (part: string, line: string) => void;
}

export interface Stack {
  /** The standard variables that point the service's code (and the AWS SDK) at this stack. */
  env: Record<string, string>;
  queues: LocalQueues;
  dynamo: LocalDynamo;
  /** Set when {@link StackOptions.dynamoFaults} asked for it: the functions reach DynamoDB through it. */
  dynamoFaults: DynamoFaults | undefined;
  eventBridge: EventBridgeEmulator;
  sandbox: Sandbox;
  offline: ServerlessOffline | undefined;
  sqs: SQSClient;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Attempts at starting serverless offline on ports picked here, when one was taken before it listened. */
const PORT_ATTEMPTS = 3;

/**
 * serverless offline on the stack's ports: the given ones, or, for 0, two picked now that the stack's other
 * servers listen (so none of them can hold one). A picked port another process takes in the seconds
 * serverless needs to bundle makes it exit with EADDRINUSE: it is started again on new ones.
 */
const startOffline = async (
  options: StackOptions,
  env: Record<string, string>,
  output: NonNullable<StackOptions['output']>,
): Promise<ServerlessOffline> => {
  const picked = options.ports?.http === 0 || options.ports?.lambda === 0;
  for (let attempt = 1; ; attempt += 1) {
    const [freeHttp = 0, freeLambda = 0] = picked ? await freePorts(2) : [];
    const httpPort = options.ports?.http === 0 ? freeHttp : (options.ports?.http ?? PORTS.http);
    const lambdaPort = options.ports?.lambda === 0 ? freeLambda : (options.ports?.lambda ?? PORTS.lambda);
    let portTaken = false;
    try {
      return await startServerlessOffline({
        httpPort,
        lambdaPort,
        env,
        // serverless offline names no account (its function ARNs are placeholders): the stack's account
        // stands in for the one CloudFormation gives provision's AWS_ACCOUNT_ID on deploy.
        // and serverless offline's own URL for the API's (provision's INGRESS_BASE_URL: HTTPS webhooks).
        params: {
          awsAccountId: ACCOUNT_ID,
          ingressBaseUrl: `http://127.0.0.1:${httpPort}`,
          ...options.serverlessParams,
        },
        output: (line) => {
          if (line.includes('EADDRINUSE')) portTaken = true;
          output('functions', line);
        },
        cwd: options.serverlessCwd,
      });
    } catch (error) {
      if (!picked || !portTaken || attempt >= PORT_ATTEMPTS) throw error;
      output(
        'stack',
        `serverless offline: a port picked for it was taken (attempt ${attempt}); picking others`,
      );
    }
  }
};

/**
 * Starts the offline stack: local SQS queues (serverless.yml's names and redrive policy), DynamoDB for
 * dedupe, the EventBridge emulator, the BigCommerce sandbox (its new event sources become partner sources
 * in the emulator; its fired events are partner events), optionally serverless offline, and the event
 * source mapping that feeds the queue to consume. Each part is ready when this resolves.
 */
export const startStack = async (options: StackOptions): Promise<Stack> => {
  const port = (part: keyof typeof PORTS | 'dynamodb', fallback: number) => options.ports?.[part] ?? fallback;
  const output = options.output ?? (() => undefined);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of stops.reverse()) await close().catch(() => undefined);
  };
  try {
    const fixed = Object.fromEntries(
      Object.entries({ ...PORTS, dynamodb: 4567, ...options.ports }).filter(([, value]) => value !== 0),
    );
    if (options.consume !== 'serverless-offline') {
      delete fixed.http;
      delete fixed.lambda;
    }
    await assertPortsFree(fixed);
    const queues = await startQueues({
      port: port('sqs', PORTS.sqs),
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 2,
      // The policy of the serverless.yml that serverless offline runs, when it runs in another folder.
      serverlessYml: options.serverlessCwd && join(options.serverlessCwd, 'serverless.yml'),
    });
    stops.push(queues.close);
    const dynamo = await startDynamo(port('dynamodb', 4567));
    stops.push(dynamo.stop);
    await dynamo.createDedupeTable(DEDUPE_TABLE);
    await dynamo.createStoresTable(STORES_TABLE);
    const dynamoFaults = options.dynamoFaults
      ? await startDynamoFaults({ upstream: dynamo.endpoint, dedupeTable: DEDUPE_TABLE })
      : undefined;
    if (dynamoFaults) stops.push(dynamoFaults.close);
    const eventBridge = await startEventBridgeEmulator({
      port: port('eventBridge', PORTS.eventBridge),
      account: ACCOUNT_ID,
      region: REGION,
      sqsEndpoint: queues.url,
      behaviour: { ...STACK_CONSISTENCY, ...options.eventBridgeBehaviour },
      logger: {
        info: () => undefined,
        warn: (m) => output('eventbridge', m),
        error: (m) => output('eventbridge', m),
      },
    });
    stops.push(eventBridge.close);
    const partners = partnerClients({ endpoint: eventBridge.url, credentials });
    stops.push(async () => partners.destroy());
    const partnerClient = partners.clientFor(REGION);
    const sandbox = await startSandbox({
      port: port('sandbox', PORTS.sandbox),
      accounts: SANDBOX_ACCOUNTS,
      partnerName: options.partnerName,
      onEventSourceCreated: partnerSourceHook(partners),
      publishPartnerEvents: partnerEventPublisher(partnerClient),
    });
    stops.push(sandbox.close);
    // HTTPS webhooks: the sandbox signs with its app's secret, which the ingest function reads from SSM.
    const ssm = await startSsm();
    stops.push(ssm.close);
    ssm.put(CLIENT_SECRET_PARAMETER, SANDBOX_CLIENT_SECRET);
    configureHttpsDelivery(sandbox.state);
    // Bus logging's delivery calls (a store provisioned with `logging`).
    const logs = await startCloudWatchLogs();
    stops.push(logs.close);

    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      // What serverless.yml gives provision on deploy (the stack's account), for functions run in-process.
      AWS_ACCOUNT_ID: ACCOUNT_ID,
      AWS_ENDPOINT_URL_SQS: queues.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoFaults?.endpoint ?? dynamo.endpoint,
      BIGCOMMERCE_API_URL: sandbox.url,
      BIGCOMMERCE_CLIENT_ID: SANDBOX_STORE.clientId,
      BIGCOMMERCE_ACCESS_TOKEN: SANDBOX_STORE.token,
      DEDUPE_TABLE_NAME: DEDUPE_TABLE,
      STORES_TABLE_NAME: STORES_TABLE,
      ...options.functionEnv,
    };

    let offline: ServerlessOffline | undefined;
    let invoke: InvokeBatch;
    if (options.consume === 'serverless-offline') {
      offline = await startOffline(options, env, output);
      stops.push(offline.stop);
      invoke = lambdaInvoker(offline.lambdaUrl, CONSUME_FUNCTION);
    } else {
      invoke = options.consume;
    }

    const sqs = new SQSClient({ endpoint: queues.url, region: REGION, credentials });
    stops.push(async () => sqs.destroy());
    const mapping: EventSourceMapping = await startEventSourceMapping({
      sqs,
      queueName: queues.queueName,
      invoke,
      concurrency: options.consumeConcurrency,
      onBatch: options.onBatch,
      onInvoke: options.onInvoke,
    });
    stops.push(mapping.stop);

    return { env, queues, dynamo, dynamoFaults, eventBridge, sandbox, offline, sqs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
