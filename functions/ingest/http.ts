import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { IngressRequest, IngressResponse } from '../../shared/ingress/ingest.js';
import type { LogSink } from '../../shared/logger.js';

/**
 * The request, its header names lower-cased (HTTP's are case-insensitive; payload format 2.0 lower-cases
 * them, and the ingress does not count on every front end doing so), and the body's exact bytes: API
 * Gateway base64-encodes a body it does not take for text (payload format 2.0
 * sets `isBase64Encoded`), and the signature is over the bytes BigCommerce sent.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export const requestOf = (event: APIGatewayProxyEventV2): IngressRequest => ({
  storeHash: event.pathParameters?.storeHash,
  headers: Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  ),
  body: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
});

const json = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * The HTTP adapter of the ingress: event -> request -> response. Anything the ingress did not expect
 * answers 500 after one error line (BigCommerce delivers again), never a 2xx.
 */
export const createIngestHandler =
  (ingress: (request: IngressRequest) => Promise<IngressResponse>, logger: LogSink) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const response = await ingress(requestOf(event));
      return json(response.statusCode, response.body);
    } catch (error) {
      logger.error('ingest failed', { error: error instanceof Error ? error.message : String(error) });
      return json(500, {
        error: { type: 'InternalError', message: 'the webhook was not queued; deliver it again' },
      });
    }
  };
