/**
 * The EventBridge emulator's HTTP face: AWS JSON 1.1 over node:http, dispatching on
 * `X-Amz-Target: AWSEvents.<Op>`, so the real `@aws-sdk/client-eventbridge` talks to it unchanged.
 * @see https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../read-body.js';
import { AwsError, statusOf } from './errors.js';
import { ConnectionDropped, type Faults } from './faults.js';
import { type OperationContext, operations } from './ops/index.js';

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSEvents.';

/** What the HTTP layer needs: the operation context, the fault knob, a call counter and a logger. */
export interface HttpDeps {
  context: OperationContext;
  faults: Faults;
  countCall(operation: string): void;
  logger: { error(message: string, ...extra: Record<string, unknown>[]): void };
}

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(JSON.stringify(body));
};

const sendError = (response: ServerResponse, error: AwsError) =>
  send(
    response,
    error.statusCode,
    { __type: error.code, message: error.message },
    { 'x-amzn-errortype': error.code },
  );

const parseBody = (text: string): unknown => {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
};

/** The region a SigV4-signed request is scoped to (`Credential=<key>/<date>/<region>/events/aws4_request`). */
const callerOf = (request: IncomingMessage) => {
  const region = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/events\//.exec(
    String(request.headers.authorization ?? ''),
  )?.[1];
  return region === undefined ? {} : { region };
};

const answer = async (request: IncomingMessage, response: ServerResponse, deps: HttpDeps) => {
  if (request.method === 'GET' && request.url === '/health') {
    send(response, 200, { status: 'ok' });
    return;
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const handler = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
  if (request.method !== 'POST' || handler === undefined) {
    throw new AwsError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}.`);
  }
  deps.countCall(operation);
  const input = parseBody(await readBody(request));
  await deps.faults.beforeOperation(operation);
  send(response, 200, (await handler(input, { ...deps.context, caller: callerOf(request) })) ?? {});
};

/** Creates (but does not start) the HTTP server that answers EventBridge API calls. */
export const createEventBridgeServer = (deps: HttpDeps) =>
  createServer((request, response) => {
    answer(request, response, deps).catch((error: unknown) => {
      if (error instanceof ConnectionDropped) {
        request.socket.destroy();
        return;
      }
      if (error instanceof AwsError) {
        sendError(response, error);
        return;
      }
      deps.logger.error('operation crashed', { error: error instanceof Error ? error.stack : String(error) });
      sendError(
        response,
        new AwsError('InternalException', 'Internal error.', statusOf('InternalException')),
      );
    });
  });

/** The port a listening server was given (the real one when asked for port 0). */
export const portOf = (address: AddressInfo | string | null): number =>
  typeof address === 'object' && address !== null ? address.port : 0;
