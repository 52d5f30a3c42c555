import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';
import { DEDUPE_ATTRIBUTES as A } from '../shared/dedupe/table.js';
import { readBody } from './read-body.js';
import { HOST } from './stack-config.js';

/** What the proxy did to the dedupe table's calls, for a soak's figures. */
export interface DynamoFaultCounts {
  /** Calls answered 500 InternalServerError during an outage, by operation (PutItem, UpdateItem, ...). */
  refused: Record<string, number>;
  /** Lock puts written to the table whose answer was withheld (the caller waits until it is killed). */
  stalledLocks: number;
  /** Of those, the ones whose caller went away (its worker was terminated, closing the socket). */
  stalledCallersGone: number;
}

/**
 * A fault knob in front of the local DynamoDB: an HTTP proxy the functions' AWS_ENDPOINT_URL_DYNAMODB
 * points at, passing every call through to dynalite except the dedupe table's when a fault is armed.
 */
export interface DynamoFaults {
  /** The endpoint to give the functions instead of dynalite's. */
  endpoint: string;
  /**
   * From now for `ms`, the dedupe table answers every call with HTTP 500 `InternalServerError`, as
   * DynamoDB does when it fails a request: the caller's client retries it (aws-lite: 5 retries, jittered
   * backoff) and then fails the call.
   */
  outage(ms: number): void;
  /** Whether an outage is on now. */
  inOutage(): boolean;
  /**
   * The next `times` lock puts on the dedupe table (PutItem of an INPROGRESS record), each of an event
   * whose lock was not stalled before, reach the table, so the lock is written, and are never answered: the consumer's table client has no request timeout, so
   * its invocation runs into the function's timeout with the record in flight.
   */
  stallLocks(times: number): void;
  /**
   * The next lock put of one of the records `ids` (dedupe record ids: `recordIdOf` of
   * shared/dedupe/idempotency.ts) stalls as {@link stallLocks}'s do: the invocation that runs one of those
   * records, not whichever puts a lock next. Returns a function that disarms it if it has not stalled yet.
   */
  stallLockOf(ids: ReadonlySet<string>): () => void;
  counts(): DynamoFaultCounts;
  close(): Promise<void>;
}

/** The DynamoDB JSON 1.0 error body of a failed request. */
const internalError = JSON.stringify({
  __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  message: 'Internal server error (injected by the offline stack: dedupe outage)',
});

/** The operation of a DynamoDB JSON 1.0 call (`X-Amz-Target: DynamoDB_20120810.PutItem`). */
const operationOf = (req: IncomingMessage) => String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';

/** The part of a call's body the proxy reads: its table and, for a put, the item's key and status. */
interface CallBody {
  TableName?: string;
  Item?: Record<string, { S?: string } | undefined>;
}

const parseBody = (body: string): CallBody => {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as CallBody) : {};
  } catch {
    return {};
  }
};

/**
 * Starts the proxy on a free port of 127.0.0.1 in front of `upstream` (dynalite's endpoint), faulting
 * only calls on `dedupeTable`. `now` is the clock outages are measured on.
 */
export const startDynamoFaults = async (options: {
  upstream: string;
  dedupeTable: string;
  now?: () => number;
}): Promise<DynamoFaults> => {
  const now = options.now ?? Date.now;
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const counts: DynamoFaultCounts = { refused: {}, stalledLocks: 0, stalledCallersGone: 0 };
  const held = new Set<ServerResponse>();
  let outageUntil = Number.NEGATIVE_INFINITY;
  let stallsArmed = 0;
  /** Stalls armed for given records, each consumed by the first lock put of one of its ids. */
  const targeted = new Set<ReadonlySet<string>>();
  /** Record ids whose lock was stalled once: a later put of the same event is let through. */
  const stalledIds = new Set<string>();

  /** Sends the call on to dynalite as it came; resolves with dynalite's answer. */
  const forward = (req: IncomingMessage, body: string) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const upstreamRequest = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const operation = operationOf(req);
      const call = parseBody(body);
      const onDedupe = call.TableName === options.dedupeTable;
      if (onDedupe && now() < outageUntil) {
        counts.refused[operation] = (counts.refused[operation] ?? 0) + 1;
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' }).end(internalError);
        return;
      }
      const id = call.Item?.[A.key]?.S ?? '';
      const lockPut =
        onDedupe &&
        operation === 'PutItem' &&
        call.Item?.[A.status]?.S === IdempotencyRecordStatus.INPROGRESS &&
        !stalledIds.has(id);
      const target = lockPut ? [...targeted].find((ids) => ids.has(id)) : undefined;
      const stall = lockPut && (target !== undefined || stallsArmed > 0);
      if (stall) {
        if (target) targeted.delete(target);
        else stallsArmed -= 1;
        stalledIds.add(id);
        counts.stalledLocks += 1;
        held.add(res);
        res.once('close', () => {
          held.delete(res);
          counts.stalledCallersGone += 1;
        });
      }
      const answer = await forward(req, body);
      if (stall) return;
      res.writeHead(answer.status, answer.headers).end(answer.body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  return {
    endpoint: `http://${HOST}:${(server.address() as AddressInfo).port}`,
    outage: (ms) => {
      outageUntil = now() + ms;
    },
    inOutage: () => now() < outageUntil,
    stallLocks: (times) => {
      stallsArmed += times;
    },
    stallLockOf: (ids) => {
      const armed = new Set(ids);
      targeted.add(armed);
      return () => {
        targeted.delete(armed);
      };
    },
    counts: () => ({ ...counts, refused: { ...counts.refused } }),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
