import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler, requestOf } from '../../../functions/ingest/http.js';
import { ConfigError } from '../../../shared/errors.js';
import { loadIngestConfig } from '../../../shared/ingress/config.js';
import { queueUrlFor } from '../../../shared/ingress/queue.js';
import { ClientSecretUnavailableError, ssmClientSecret } from '../../../shared/ingress/secret.js';
import { createFakeLogger } from '../../helpers/fake-logger.js';

const event = (body: string, isBase64Encoded: boolean): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /webhooks/{storeHash}',
    rawPath: '/webhooks/k7q2m9x4p1',
    rawQueryString: '',
    headers: { 'webhook-id': 'msg_1', 'content-type': 'application/json' },
    pathParameters: { storeHash: 'k7q2m9x4p1' },
    isBase64Encoded,
    body,
  }) as unknown as APIGatewayProxyEventV2;

describe('Function: requestOf', () => {
  it('gives the exact bytes of a base64-encoded body, and of a text one', () => {
    // Prepare
    const bytes = Buffer.from('{"a":"é"}\n', 'utf8');

    // Act
    const encoded = requestOf(event(bytes.toString('base64'), true));
    const text = requestOf(event(bytes.toString('utf8'), false));

    // Assess
    expect(encoded.body.equals(bytes)).toBe(true);
    expect(text.body.equals(bytes)).toBe(true);
    expect(encoded.storeHash).toBe('k7q2m9x4p1');
    expect(encoded.headers['webhook-id']).toBe('msg_1');
  });
});

describe('Function: requestOf, headers', () => {
  it('lower-cases header names, so a front end that keeps their case still reaches the signature check', () => {
    // Prepare
    const original = event('{}', false);
    const mixed = {
      ...original,
      headers: { 'Webhook-Id': 'msg_1', 'WEBHOOK-TIMESTAMP': '1764590400', 'Webhook-Signature': 'v1,abc' },
    };

    // Act
    const request = requestOf(mixed);

    // Assess
    expect(request.headers).toEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1764590400',
      'webhook-signature': 'v1,abc',
    });
  });
});

describe('Function: createIngestHandler', () => {
  it('answers the ingress response as JSON', async () => {
    // Prepare
    const handler = createIngestHandler(
      async () => ({ statusCode: 401, body: { error: { type: 'InvalidSignature', message: 'no' } } }),
      createFakeLogger().logger,
    );

    // Act
    const response = await handler(event('{}', false));

    // Assess
    expect(response).toEqual({
      statusCode: 401,
      headers: { 'content-type': 'application/json' },
      body: '{"error":{"type":"InvalidSignature","message":"no"}}',
    });
  });

  it('answers 500, never a 2xx, when the ingress fails unexpectedly', async () => {
    // Prepare
    const log = createFakeLogger();
    const handler = createIngestHandler(async () => {
      throw new TypeError('boom');
    }, log.logger);

    // Act
    const response = await handler(event('{}', false));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(log.at('error')).toHaveLength(1);
  });
});

describe('Function: ssmClientSecret', () => {
  const ssm = mockClient(SSMClient);
  beforeEach(() => {
    ssm.reset();
    vi.stubEnv('AWS_REGION', 'us-east-1');
  });
  afterEach(() => {
    ssm.reset();
    vi.unstubAllEnvs();
  });

  it('reads the SecureString decrypted, once per cache lifetime', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'the-secret' } });
    const source = ssmClientSecret('/bigcommerce-webhooks/dev/client-secret');

    // Act
    const values = [await source.secret(), await source.secret()];

    // Assess
    expect(values).toEqual(['the-secret', 'the-secret']);
    const calls = ssm.commandCalls(GetParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Name: '/bigcommerce-webhooks/dev/client-secret',
      WithDecryption: true,
    });
  });

  it('throws ClientSecretUnavailableError naming the parameter, not its value, when SSM refuses', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const source = ssmClientSecret('/bigcommerce-webhooks/dev/client-secret');

    // Act
    const failure = source.secret();

    // Assess
    await expect(failure).rejects.toBeInstanceOf(ClientSecretUnavailableError);
    await expect(failure).rejects.toThrow('/bigcommerce-webhooks/dev/client-secret');
  });

  it('reads past the cache on refresh', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'old' } })
      .resolves({ Parameter: { Value: 'new' } });
    const source = ssmClientSecret('/p');

    // Act
    const values = [await source.secret(), await source.refresh?.(), await source.secret()];

    // Assess
    expect(values).toEqual(['old', 'new', 'new']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('refuses an empty parameter', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '' } });

    // Act / Assess
    await expect(ssmClientSecret('/p').secret()).rejects.toThrow('holds no client secret');
  });
});

describe('Function: loadIngestConfig', () => {
  it('names every bad variable at once', () => {
    // Act / Assess
    expect(() => loadIngestConfig({ AWS_REGION: 'us-east-1', AWS_ACCOUNT_ID: '12' })).toThrow(ConfigError);
    expect(() => loadIngestConfig({ AWS_REGION: 'us-east-1', AWS_ACCOUNT_ID: '12' })).toThrow(
      /AWS_ACCOUNT_ID.*WEBHOOK_QUEUE_NAME.*BIGCOMMERCE_CLIENT_SECRET_PARAMETER/,
    );
  });

  it('builds the queue URL SQS gives, in any partition', () => {
    // Act / Assess
    expect(queueUrlFor('us-east-1', '123456789012', 'q')).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/q',
    );
    expect(queueUrlFor('cn-north-1', '123456789012', 'q')).toBe(
      'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q',
    );
  });
});
