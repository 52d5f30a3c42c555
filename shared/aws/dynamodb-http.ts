import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type {
  AttributeValue,
  DeleteItemInput,
  DeleteItemOutput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  PutItemOutput,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import aws4 from 'aws4';
import { isTransientAwsCode } from './errors.js';

/**
 * DynamoDB's JSON protocol over node:http(s), signed with aws4: the item calls the consumer's dedupe
 * makes, without the AWS SDK. Loading `@aws-sdk/client-dynamodb` and resolving its credential and endpoint
 * chains cost ~150 ms of every cold start (more than Node's own boot); this path costs a few. The SDK's
 * input and output types are kept (type-only imports), so a call reads as it does with the SDK.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
 */
export interface DynamoDbOperations {
  GetItem: { input: GetItemInput; output: GetItemOutput };
  PutItem: { input: PutItemInput; output: PutItemOutput };
  UpdateItem: { input: UpdateItemInput; output: UpdateItemOutput };
  DeleteItem: { input: DeleteItemInput; output: DeleteItemOutput };
}

/** The calls {@link createDynamoDbHttp} makes: one DynamoDB operation per call, retried when it may succeed. */
export interface DynamoDbHttp {
  call<O extends keyof DynamoDbOperations>(
    operation: O,
    input: DynamoDbOperations[O]['input'],
  ): Promise<DynamoDbOperations[O]['output']>;
  /** Closes the kept-alive connections. */
  destroy(): void;
}

export interface DynamoDbCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface DynamoDbHttpOptions {
  region: string;
  /** Lambda puts the function role's credentials in its environment; see `shared/config.ts`. */
  credentials: DynamoDbCredentials;
  /** A local DynamoDB (dynalite); omitted, the region's public endpoint. */
  endpoint?: string | undefined;
  /** Attempts per call, the first included (default 3, as the AWS SDK's standard retry mode). */
  maxAttempts?: number;
  /** Per attempt, from sending to the last byte of the answer, connection included (default 5 s). */
  timeoutMs?: number;
  /** First retry waits up to this, doubling after (full jitter; default 50 ms). */
  baseDelayMs?: number;
}

/** A DynamoDB call that failed: `code` is the service's error type, such as `ConditionalCheckFailedException`. */
export class DynamoDbError extends Error {
  override readonly name = 'DynamoDbError';
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number | undefined,
    /** True when the same call may succeed later: throttling, a server fault, a timeout, a dropped socket. */
    readonly retryable: boolean,
    /** The item a failed condition found, with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`. */
    readonly item?: Record<string, AttributeValue>,
    options?: ErrorOptions,
  ) {
    super(`DynamoDB ${code}: ${message}`, options);
  }
}

/** Region prefix -> the DNS suffix of its partition; everything else is in `aws` (amazonaws.com). */
const PARTITION_SUFFIXES: [prefix: string, suffix: string][] = [
  ['cn-', 'amazonaws.com.cn'],
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-iso-', 'c2s.ic.gov'],
  ['eusc-', 'amazonaws.eu'],
];

/** The region's public DynamoDB endpoint, in its partition's domain. */
export const dynamoDbEndpointOf = (region: string): string => {
  const suffix = PARTITION_SUFFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'amazonaws.com';
  return `https://dynamodb.${region}.${suffix}`;
};

interface Reply {
  statusCode: number;
  body: string;
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` -> `ConditionalCheckFailedException`. */
const errorOf = ({ statusCode, body }: Reply): DynamoDbError => {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown; Item?: unknown } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // Not JSON (a proxy's HTML page, say): the status code decides.
  }
  const code =
    typeof parsed.__type === 'string' ? (parsed.__type.split('#').pop() ?? '') : `Http${statusCode}`;
  const message = String(parsed.message ?? parsed.Message ?? (body.slice(0, 200) || 'no message'));
  const item =
    typeof parsed.Item === 'object' && parsed.Item !== null
      ? (parsed.Item as Record<string, AttributeValue>)
      : undefined;
  return new DynamoDbError(code, message, statusCode, isTransientAwsCode(code, statusCode), item);
};

/** A dropped socket, a refused connection or a timeout: the call may have run, and may be retried. */
const networkError = (error: Error & { code?: string }): DynamoDbError =>
  new DynamoDbError(error.code ?? 'NetworkError', error.message, undefined, true, undefined, {
    cause: error,
  });

/** A 200 whose body is not JSON (cut short by a proxy, say) is a failed attempt, not a result. */
const parseOutput = (reply: Reply) => {
  try {
    return JSON.parse(reply.body);
  } catch (error) {
    throw new DynamoDbError('InvalidResponse', 'the answer is not JSON', reply.statusCode, true, undefined, {
      cause: error,
    });
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A DynamoDB caller for the consumer's hot path; see {@link DynamoDbOperations} for why it is not the SDK. */
export const createDynamoDbHttp = (options: DynamoDbHttpOptions): DynamoDbHttp => {
  const url = new URL(options.endpoint ?? dynamoDbEndpointOf(options.region));
  // Loaded on the first call, and only the one the endpoint needs: node:https brings TLS (~8 ms to load),
  // which a local http endpoint does not need. Kept alive: a warm invocation reuses the connection
  // instead of paying a TLS handshake per call.
  let transport:
    | Promise<{
        agent: Agent;
        send: (options: RequestOptions, reply: (response: IncomingMessage) => void) => ClientRequest;
      }>
    | undefined;
  let agent: Agent | undefined;
  const transportOf = () => {
    transport ??= (url.protocol === 'https:' ? import('node:https') : import('node:http')).then((module) => {
      agent = new module.Agent({ keepAlive: true });
      return { agent, send: module.request };
    });
    return transport;
  };
  const maxAttempts = options.maxAttempts ?? 3;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const baseDelayMs = options.baseDelayMs ?? 50;

  const attempt = async (operation: string, body: string) => {
    const { agent, send } = await transportOf();
    return new Promise<Reply>((resolve, reject) => {
      const signed = aws4.sign(
        {
          service: 'dynamodb',
          region: options.region,
          method: 'POST',
          host: url.host,
          path: url.pathname,
          headers: {
            'Content-Type': 'application/x-amz-json-1.0',
            'X-Amz-Target': `DynamoDB_20120810.${operation}`,
          },
          body,
        },
        options.credentials,
      );
      let settled = false;
      let deadline: ReturnType<typeof setTimeout> | undefined;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        outcome();
      };
      const request = send(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: signed.headers,
          agent,
        },
        (response: IncomingMessage) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => settle(() => reject(networkError(error))));
          response.on('end', () =>
            settle(() =>
              resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
            ),
          );
        },
      );
      // The whole attempt, not the socket's idle time: an answer trickling in a byte at a time ends too.
      deadline = setTimeout(() => {
        const error = Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), {
          code: 'TimeoutError',
        });
        settle(() => reject(networkError(error)));
        request.destroy(error);
      }, timeoutMs);
      request.on('error', (error) => settle(() => reject(networkError(error))));
      request.end(body);
    });
  };

  return {
    async call(operation, input) {
      const body = JSON.stringify(input);
      for (let tries = 1; ; tries += 1) {
        let failure: DynamoDbError;
        try {
          const reply = await attempt(operation, body);
          if (reply.statusCode === 200) return parseOutput(reply);
          failure = errorOf(reply);
        } catch (error) {
          if (!(error instanceof DynamoDbError)) throw error;
          failure = error;
        }
        if (!failure.retryable || tries >= maxAttempts) throw failure;
        await sleep(Math.random() * Math.min(2_000, baseDelayMs * 2 ** (tries - 1)));
      }
    },
    destroy: () => agent?.destroy(),
  };
};
