import * as z from 'zod/mini';
import { type Env, parseEnv } from '../config.js';

/**
 * What the ingest function reads from its environment.
 *
 * @example
 * {
 *   "AWS_REGION": "us-east-1",
 *   "AWS_ACCOUNT_ID": "123456789012",
 *   "WEBHOOK_QUEUE_NAME": "bigcommerce-webhooks-dev-events",
 *   "BIGCOMMERCE_CLIENT_SECRET_PARAMETER": "/bigcommerce-webhooks/dev/client-secret"
 * }
 */
export const IngestEnvSchema = z.object({
  AWS_REGION: z
    .string()
    .check(z.regex(/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS region such as us-east-1')),
  /** The queue's account: its URL is built from it, the region and the name (no GetQueueUrl call, no permission for one). */
  AWS_ACCOUNT_ID: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id')),
  WEBHOOK_QUEUE_NAME: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected an SQS queue name')),
  /** The SSM SecureString holding the app's client secret, which BigCommerce signs its HTTPS webhooks with. */
  BIGCOMMERCE_CLIENT_SECRET_PARAMETER: z
    .string()
    .check(z.regex(/^\/[A-Za-z0-9_.\-/]{1,1010}$/, 'expected an SSM parameter name starting with /')),
});

export type IngestConfig = z.infer<typeof IngestEnvSchema>;

/** The ingest function's configuration, read once at start. */
export const loadIngestConfig = (env: Env = process.env): IngestConfig =>
  parseEnv(IngestEnvSchema, env, 'ingest');
