import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HandlerRegistry } from '../../functions/consume/handlers/types.js';
import { type ConsumeHandlerDeps, createConsumeHandler } from '../../functions/consume/lambda.js';
import { createProvisionApi } from '../../functions/provision/api.js';
import { createProvisionApiDeps } from '../../functions/provision/deps.js';
import type { FireRequest, PartnerEvent } from '../../local/sandbox/fire.js';
import { SANDBOX_STORE, type StackOptions, startStack } from '../../local/stack.js';
import { storeClientsFromEnv } from '../../shared/bigcommerce/rest/config.js';
import type { ScopePattern } from '../../shared/bigcommerce/scopes/index.js';
import { loadConsumeConfig, loadProvisionConfig } from '../../shared/config.js';
import { createIdempotentDedupe } from '../../shared/dedupe/idempotency.js';
import { createDedupeTableClient } from '../../shared/dedupe/table-client.js';
import { keyed, logger } from '../../shared/logger.js';
import { fakeContext } from './context.js';
import { loadEvent } from './load-event.js';

export interface OfflineChainOptions {
  /** The consumer's handlers; provision subscribes their scopes by default. */
  handlers: HandlerRegistry;
  /** More options of the stack (its ports are free ones, its consumer is the handler above). */
  stack?: Omit<StackOptions, 'consume' | 'ports'>;
  /** More options of the consume handler. */
  consume?: Pick<ConsumeHandlerDeps, 'recordLogger'>;
}

/**
 * The whole chain on 127.0.0.1 for a test: the offline stack (free ports), the consume handler in this
 * process on its dedupe table, and the provision API, both configured from the stack's variables as the
 * deployed functions are; `request` calls the API, `fire` has the sandbox fire a store event once every
 * EventBridge change made so far is in effect.
 */
export const startOfflineChain = async (options: OfflineChainOptions) => {
  let consume: ReturnType<typeof createConsumeHandler> | undefined;
  const stack = await startStack({
    ...options.stack,
    ports: { sqs: 0, eventBridge: 0, sandbox: 0, dynamodb: 0 },
    consume: (event) => {
      if (!consume) throw new Error('consumer not ready');
      return consume(event, fakeContext());
    },
  });
  // The functions read their configuration from the environment, as in Lambda: set it for this chain and
  // put back what was there when the chain stops, so no test inherits another's endpoints or tables.
  const variables: Record<string, string> = {
    ...stack.env,
    WEBHOOK_QUEUE_NAME: stack.queues.queueName,
    WEBHOOK_DLQ_NAME: stack.queues.dlqName,
    EVENT_SOURCE_WAIT_MS: '5000',
  };
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  const stop = async () => {
    try {
      await stack.stop();
    } finally {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  };
  const config = loadConsumeConfig();
  consume = createConsumeHandler({
    handlers: options.handlers,
    dedupe: createIdempotentDedupe({
      dynamo: createDedupeTableClient({ endpoint: stack.dynamo.endpoint }),
      tableName: config.DEDUPE_TABLE_NAME,
      windowSeconds: config.DEDUPE_WINDOW_SECONDS,
    }),
    eventSourceNamePrefix: config.EVENT_SOURCE_NAME_PREFIX,
    // As the deployed function: handlers that fetch reach the stack's sandbox with its token.
    bigcommerce: storeClientsFromEnv(),
    ...options.consume,
  });
  const provisionApi = createProvisionApi(
    createProvisionApiDeps(
      loadProvisionConfig(),
      Object.keys(options.handlers) as ScopePattern[],
      keyed(logger),
    ),
  );

  /** One call of the provision API, e.g. `request('DELETE', '/provision/k7q2m9x4p1')`. */
  const request = async (method: string, path: string, body?: unknown) => {
    const event = loadEvent<APIGatewayProxyEventV2>('provision', 'post-provision');
    const storeHash = path === '/provision' ? undefined : path.split('/').at(-1);
    const response = await provisionApi(
      {
        ...event,
        routeKey: storeHash ? `${method} /provision/{storeHash}` : `${method} /provision`,
        rawPath: path,
        pathParameters: storeHash ? { storeHash } : undefined,
        body: body === undefined ? undefined : JSON.stringify(body),
        requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method, path } },
      },
      fakeContext('bigcommerce-webhooks-dev-provision'),
    );
    return { status: response.statusCode ?? 0, body: JSON.parse(response.body ?? '{}') };
  };

  /** The sandbox fires a store event (of the first sandbox store unless told), once changes are in effect. */
  const fire = async (fired: Omit<FireRequest, 'storeHash'> & { storeHash?: string }) => {
    // EventBridge applies new rules and targets after a short while: fire once they are in effect.
    await stack.eventBridge.settled();
    const response = await fetch(`${stack.env.BIGCOMMERCE_API_URL}/__sandbox/fire`, {
      method: 'POST',
      body: JSON.stringify({ storeHash: SANDBOX_STORE.storeHash, ...fired }),
    });
    return (await response.json()) as { delivered: PartnerEvent[] };
  };

  /** `stack.stop()` and `stop()` both stop the stack and restore the environment. */
  return { stack: { ...stack, stop }, request, fire, stop };
};
