import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ingressMessageOf } from '../../../shared/bigcommerce/ingress-message.js';
import { ingestSqsClient, sqsSender } from '../../../shared/ingress/queue.js';
import { ClientSecretUnavailableError, ssmClientSecret } from '../../../shared/ingress/secret.js';

/** An endpoint that takes each request and never answers it, as an AWS endpoint in trouble might. */
const stalling = async () => {
  let requests = 0;
  const server: Server = createServer(() => {
    requests += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

describe("Ingest's AWS clients, against an endpoint that never answers", () => {
  let endpoint: Awaited<ReturnType<typeof stalling>>;
  beforeEach(async () => {
    endpoint = await stalling();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await endpoint.close();
  });

  it('SQS gives up after two attempts, each cut short, so BigCommerce gets a 503 to retry and not a slow answer', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', endpoint.url);
    const send = sqsSender(ingestSqsClient(), 'https://sqs.us-east-1.amazonaws.com/123456789012/q');

    // Act
    const failure = send(ingressMessageOf({ rawBody: '{}', webhookId: 'msg_1', storeHash: 'k7q2m9x4p1' }));

    // Assess
    await expect(failure).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(endpoint.requests()).toBe(2);
  });

  it('SSM gives up after two attempts, each cut short, and the secret is unavailable', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', endpoint.url);
    const source = ssmClientSecret('/bigcommerce-webhooks/dev/client-secret');

    // Act
    const failure = source.secret();

    // Assess
    await expect(failure).rejects.toBeInstanceOf(ClientSecretUnavailableError);
    await expect(failure).rejects.toThrow('(TimeoutError)');
    expect(endpoint.requests()).toBe(2);
  });
});
