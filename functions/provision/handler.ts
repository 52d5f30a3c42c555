import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { SUBSCRIBED_SCOPES } from '../../shared/bigcommerce/scopes/subscribed.js';
import { loadProvisionConfig } from '../../shared/config.js';
import { keyed, logger } from '../../shared/logger.js';
import { createProvisionApi } from './api.js';
import { createProvisionApiDeps } from './deps.js';

const api = createProvisionApi(
  createProvisionApiDeps(loadProvisionConfig(), SUBSCRIBED_SCOPES, keyed(logger)),
);

/**
 * API Gateway HTTP API (IAM-authorised) -> provision: `POST /provision`, `GET /provision` (the registered
 * stores), `GET /provision/{storeHash}`, `DELETE /provision/{storeHash}`. Wiring only; the work is in shared/provisioning.
 */
export const handler = middy(api).use(injectLambdaContext(logger, { resetKeys: true }));
