import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadIngestConfig } from '../../shared/ingress/config.js';
import { createIngress } from '../../shared/ingress/ingest.js';
import { ingestSqsClient, queueUrlFor, sqsSender } from '../../shared/ingress/queue.js';
import { ssmClientSecret } from '../../shared/ingress/secret.js';
import { logger } from '../../shared/logger.js';
import { createIngestHandler } from './http.js';

const config = loadIngestConfig();

/**
 * API Gateway HTTP API (public: BigCommerce calls it) -> ingest: `POST /webhooks/{storeHash}`, a
 * BigCommerce HTTPS webhook verified and queued. Wiring only; the work is in shared/ingress.
 */
export const handler = middy(
  createIngestHandler(
    createIngress({
      secret: ssmClientSecret(config.BIGCOMMERCE_CLIENT_SECRET_PARAMETER),
      send: sqsSender(
        ingestSqsClient(),
        queueUrlFor(config.AWS_REGION, config.AWS_ACCOUNT_ID, config.WEBHOOK_QUEUE_NAME),
      ),
      logger,
    }),
    logger,
  ),
).use(injectLambdaContext(logger, { resetKeys: true }));
