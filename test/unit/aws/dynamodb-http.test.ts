import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDynamoDbHttp,
  type DynamoDbHttp,
  type DynamoDbHttpOptions,
  dynamoDbEndpointOf,
} from '../../../shared/aws/dynamodb-http.js';
import { messageOf } from '../../../shared/errors.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = (request: Received, response: ServerResponse, index: number) => void;

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
let server: Server | undefined;
let client: DynamoDbHttp | undefined;

/** A DynamoDB stand-in on 127.0.0.1 that answers the n-th request with `replies[n]` (the last one after). */
const serve = async (replies: Reply[], options: Partial<DynamoDbHttpOptions> = {}) => {
  const received: Received[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      const reply = replies[Math.min(received.length, replies.length) - 1];
      reply?.(entry, response, received.length - 1);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = createDynamoDbHttp({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials,
    baseDelayMs: 1,
    ...options,
  });
  return { client, received };
};

const json =
  (status: number, body: unknown): Reply =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(body));
  };

const awsError = (status: number, type: string, message: string, extra: object = {}) =>
  json(status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra });

const getItem = (api: DynamoDbHttp) =>
  api.call('GetItem', { TableName: 'dedupe', Key: { id: { S: 'k' } }, ConsistentRead: true });

afterEach(async () => {
  client?.destroy();
  client = undefined;
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('DynamoDB over HTTP (the consumer dedupe path without the SDK)', () => {
  it('sends the JSON protocol call with a SigV4 signature the AWS SDK signer agrees with', async () => {
    // Prepare
    const { client, received } = await serve([json(200, { Item: { id: { S: 'k' } } })]);

    // Act
    const output = await getItem(client);

    // Assess
    expect(output).toEqual({ Item: { id: { S: 'k' } } });
    const [request] = received;
    if (!request) throw new Error('nothing received');
    expect(request.headers['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(request.body)).toEqual({
      TableName: 'dedupe',
      Key: { id: { S: 'k' } },
      ConsistentRead: true,
    });
    // Re-sign what arrived, over the headers the request says it signed, as DynamoDB checks it.
    const authorization = String(request.headers.authorization);
    const signed = /SignedHeaders=([a-z0-9;-]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    expect(signed).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target']));
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(request.headers['x-amz-date']));
    if (!date) throw new Error('no x-amz-date');
    const signer = new SignatureV4({
      service: 'dynamodb',
      region: 'eu-west-1',
      credentials,
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: false, // DynamoDB signs the body's hash without sending it as a header
    });
    const expected = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: '/',
        headers: Object.fromEntries(signed.map((name) => [name, String(request.headers[name])])),
        body: request.body,
      },
      { signingDate: new Date(`${date[1]}-${date[2]}-${date[3]}T${date[4]}:${date[5]}:${date[6]}Z`) },
    );
    const signatureOf = (value: unknown) => /Signature=([0-9a-f]{64})/.exec(String(value))?.[1];
    expect(signatureOf(authorization)).toBeDefined();
    expect(signatureOf(authorization)).toBe(signatureOf(expected.headers.authorization));
    expect(String(request.headers.authorization)).toContain('/eu-west-1/dynamodb/aws4_request');
  });

  it('sends the session token of temporary credentials', async () => {
    // Prepare
    const { received } = await serve([json(200, {})], {
      credentials: { ...credentials, sessionToken: 'session' },
    });

    // Act
    if (!client) throw new Error('no client');
    await getItem(client);

    // Assess
    expect(received[0]?.headers['x-amz-security-token']).toBe('session');
  });

  it('hands back a failed condition at once, with the item it found', async () => {
    // Prepare
    const item = { id: { S: 'k' }, status: { S: 'COMPLETED' } };
    const { client, received } = await serve([
      awsError(400, 'ConditionalCheckFailedException', 'The conditional request failed', { Item: item }),
    ]);

    // Act
    const error = await client
      .call('PutItem', { TableName: 'dedupe', Item: item, ConditionExpression: 'attribute_not_exists(id)' })
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({
      code: 'ConditionalCheckFailedException',
      statusCode: 400,
      retryable: false,
      item,
    });
    expect(received).toHaveLength(1);
  });

  it('does not retry a request DynamoDB refuses as invalid', async () => {
    // Prepare
    const { client, received } = await serve([
      awsError(400, 'ValidationException', 'One or more parameter values were invalid'),
    ]);

    // Act
    const error = await getItem(client).catch((caught: unknown) => caught);

    // Assess
    expect(messageOf(error)).toBe('DynamoDB ValidationException: One or more parameter values were invalid');
    expect(received).toHaveLength(1);
  });

  it('retries throttling and server faults, then answers', async () => {
    // Prepare
    const { client, received } = await serve([
      awsError(400, 'ProvisionedThroughputExceededException', 'slow down'),
      awsError(500, 'InternalServerError', 'oops'),
      json(200, {}),
    ]);

    // Act
    const output = await getItem(client);

    // Assess
    expect(output).toEqual({});
    expect(received).toHaveLength(3);
  });

  it('gives up after three attempts with the last error, marked retryable for the caller', async () => {
    // Prepare
    const { client, received } = await serve([
      (_request, response) => response.writeHead(503).end('<html>busy</html>'),
    ]);

    // Act
    const error = await getItem(client).catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'Http503', retryable: true });
    expect(received).toHaveLength(3);
  });

  it('retries a dropped connection and a call that does not answer in time', async () => {
    // Prepare
    const { client, received } = await serve(
      [
        (_request, response) => response.socket?.destroy(),
        () => undefined, // never answers: the attempt times out
        json(200, { Item: { id: { S: 'k' } } }),
      ],
      { timeoutMs: 200 },
    );

    // Act
    const output = await getItem(client);

    // Assess
    expect(output.Item).toEqual({ id: { S: 'k' } });
    expect(received).toHaveLength(3);
  });

  it('ends an attempt whose answer trickles in past the timeout, and retries it', async () => {
    // Prepare: the first answer sends a byte every 50 ms and never finishes.
    const { client, received } = await serve(
      [
        (_request, response) => {
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          const drip = setInterval(
            () => (response.destroyed ? clearInterval(drip) : response.write(' ')),
            50,
          );
        },
        json(200, { Item: { id: { S: 'k' } } }),
      ],
      { timeoutMs: 300 },
    );
    const started = Date.now();

    // Act
    const output = await getItem(client);

    // Assess
    expect(output.Item).toEqual({ id: { S: 'k' } });
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('retries a 429 and a 200 whose body is not JSON', async () => {
    // Prepare
    const { client, received } = await serve([
      (_request, response) => response.writeHead(429).end('slow down'),
      (_request, response) => response.writeHead(200).end('{"Item": {"id"'),
      json(200, {}),
    ]);

    // Act
    const output = await getItem(client);

    // Assess
    expect(output).toEqual({});
    expect(received).toHaveLength(3);
  });

  it("calls the region's public endpoint when no endpoint is set", () => {
    expect(dynamoDbEndpointOf('us-east-1')).toBe('https://dynamodb.us-east-1.amazonaws.com');
    expect(dynamoDbEndpointOf('cn-north-1')).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
    expect(dynamoDbEndpointOf('us-gov-west-1')).toBe('https://dynamodb.us-gov-west-1.amazonaws.com');
    expect(dynamoDbEndpointOf('us-isob-east-1')).toBe('https://dynamodb.us-isob-east-1.sc2s.sgov.gov');
    expect(dynamoDbEndpointOf('eusc-de-east-1')).toBe('https://dynamodb.eusc-de-east-1.amazonaws.eu');
  });
});
