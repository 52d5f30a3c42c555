import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Serves an HTTP API handler on 127.0.0.1 as API Gateway's payload format 2.0 hands requests over: header
 * names lower-cased, `{storeHash}` from `/webhooks/{storeHash}`, the body base64-encoded (as API Gateway
 * does for a body it does not take for text), so the handler sees the exact bytes sent.
 */
export const serveHttpApi = async (handler: Handler) => {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const storeHash = /^\/webhooks\/([^/]+)$/.exec(url.pathname)?.[1];
      if (request.method !== 'POST' || storeHash === undefined) {
        response.writeHead(404).end('{"message":"Not Found"}');
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
      }
      const event = {
        version: '2.0',
        routeKey: 'POST /webhooks/{storeHash}',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        pathParameters: { storeHash: decodeURIComponent(storeHash) },
        isBase64Encoded: true,
        body: Buffer.concat(chunks).toString('base64'),
      } as unknown as APIGatewayProxyEventV2;
      handler(event).then(
        (result) =>
          response
            .writeHead(result.statusCode ?? 200, result.headers as Record<string, string>)
            .end(result.body),
        () => response.writeHead(502).end('{"message":"Internal Server Error"}'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
