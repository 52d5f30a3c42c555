// zod/mini, not classic zod: this module is in the consume bundle, where classic zod alone is ~450 KB.
import * as z from 'zod/mini';
import { ConfigError } from './errors.js';

/** Environment variables as Lambda and `process.env` hand them over. */
export type Env = Record<string, string | undefined>;

const optionalText = z.optional(
  z.pipe(
    z.string().check(z.trim()),
    z.transform((value: string) => (value === '' ? undefined : value)),
  ),
);

const QueueName = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, 'expected an SQS queue name'));

const Region = z
  .string()
  .check(z.regex(/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, 'expected an AWS region such as us-east-1'));

const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/**
 * What the provision function reads from its environment.
 *
 * @example
 * {
 *   "AWS_REGION": "us-east-1",
 *   "BIGCOMMERCE_CLIENT_ID": "4yk6pb824t53hirbuz5akdr652lpjb2",
 *   "BIGCOMMERCE_TOKEN_PARAMETER": "/bigcommerce-webhooks/dev/stores/{storeHash}/access-token",
 *   "WEBHOOK_QUEUE_NAME": "bigcommerce-webhooks-dev-events",
 *   "WEBHOOK_DLQ_NAME": "bigcommerce-webhooks-dev-events-dlq",
 *   "STORES_TABLE_NAME": "bigcommerce-webhooks-dev-stores",
 *   "AWS_ACCOUNT_ID": "123456789012"
 * }
 */
export const ProvisionEnvSchema = z
  .object({
    AWS_REGION: Region,
    BIGCOMMERCE_API_URL: z._default(z.url(), 'https://api.bigcommerce.com'),
    BIGCOMMERCE_CLIENT_ID: z.string().check(z.minLength(1)),
    /** SSM SecureString name; `{storeHash}` is replaced by the store hash. */
    BIGCOMMERCE_TOKEN_PARAMETER: z.pipe(
      optionalText,
      z.optional(z.string().check(z.includes('{storeHash}', { message: 'must contain {storeHash}' }))),
    ),
    /** One token for every store, for local runs only; when set, SSM is not read. */
    BIGCOMMERCE_ACCESS_TOKEN: optionalText,
    /** Names, not ARNs: the ARNs are built from the function's own account and region at run time. */
    WEBHOOK_QUEUE_NAME: QueueName,
    WEBHOOK_DLQ_NAME: QueueName,
    EVENT_SOURCE_NAME_PREFIX: z._default(
      z.string().check(z.regex(/^[A-Za-z0-9._-]{1,40}$/)),
      'bigcommerce-webhooks',
    ),
    RULE_NAME: z._default(
      z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/)),
      'bigcommerce-webhooks-to-queue',
    ),
    TARGET_ID: z._default(z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/)), 'webhook-queue'),
    PROVISION_MAX_BODY_BYTES: positiveInt(16_384),
    /** How long to wait for a new partner event source to become visible to EventBridge. */
    EVENT_SOURCE_WAIT_MS: positiveInt(15_000),
    /** The stores table: each store's operation lease (one changing run per store at a time). */
    STORES_TABLE_NAME: z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'expected a DynamoDB table name')),
    /**
     * The account each store's chain is built in (BigCommerce's `awsAccount`, the queue and rule ARNs):
     * serverless.yml sets the stack's own (CloudFormation's AWS::AccountId), in every environment.
     */
    AWS_ACCOUNT_ID: z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id')),
    /**
     * The HTTP API's base URL: HTTPS-transport stores' webhooks point at `<it>/webhooks/<storeHash>`
     * (serverless.yml sets the API's own; unset, only the EventBridge transport can be provisioned).
     */
    INGRESS_BASE_URL: z.pipe(optionalText, z.optional(z.url())),
  })
  .check(
    z.refine((env) => Boolean(env.BIGCOMMERCE_TOKEN_PARAMETER ?? env.BIGCOMMERCE_ACCESS_TOKEN), {
      message: 'set BIGCOMMERCE_TOKEN_PARAMETER (SSM) or, for local runs, BIGCOMMERCE_ACCESS_TOKEN',
      path: ['BIGCOMMERCE_TOKEN_PARAMETER'],
    }),
  );

export type ProvisionConfig = z.infer<typeof ProvisionEnvSchema>;

/** Parses `env` with `schema`, or throws one {@link ConfigError} naming every bad variable. */
export const parseEnv = <S extends z.ZodMiniType>(schema: S, env: Env, what: string): z.infer<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`invalid ${what} configuration: ${problems.join('; ')}`);
};

/** The provision function's configuration, read once at start. */
export const loadProvisionConfig = (env: Env = process.env): ProvisionConfig =>
  parseEnv(ProvisionEnvSchema, env, 'provision');

/** An AWS SDK switch the dedupe table's client (aws-lite) does not honour: refused, not ignored. */
const unsupportedSwitch = (advice: string) =>
  z.optional(
    z.string().check(
      z.refine((value) => value.trim().toLowerCase() !== 'true', {
        message: `not supported by the consumer's DynamoDB client (aws-lite); ${advice}`,
      }),
    ),
  );

/** EVENT_SOURCE_NAME_PREFIX when the environment sets none, as for provision. */
export const DEFAULT_EVENT_SOURCE_NAME_PREFIX = 'bigcommerce-webhooks';

/**
 * What the consume function reads from its environment.
 *
 * @example
 * {
 *   "AWS_REGION": "us-east-1",
 *   "DEDUPE_TABLE_NAME": "bigcommerce-webhooks-dev-dedupe",
 *   "DEDUPE_WINDOW_SECONDS": "86400",
 *   "EVENT_SOURCE_NAME_PREFIX": "bigcommerce-webhooks-dev"
 * }
 */
export const ConsumeEnvSchema = z.object({
  AWS_REGION: Region,
  // Credentials are the dedupe table client's own chain (aws-lite: environment, profiles, SSO, metadata).
  /**
   * A local DynamoDB (dynalite) for offline runs: the AWS SDK's variable, which aws-lite does not read, is
   * passed to it so one setting serves both. aws-lite reads the general AWS_ENDPOINT_URL itself.
   */
  AWS_ENDPOINT_URL_DYNAMODB: z.optional(z.url()),
  AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: unsupportedSwitch(
    'unset AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL',
  ),
  AWS_USE_FIPS_ENDPOINT: unsupportedSwitch('set AWS_ENDPOINT_URL_DYNAMODB to the endpoint you need'),
  AWS_USE_DUALSTACK_ENDPOINT: unsupportedSwitch('set AWS_ENDPOINT_URL_DYNAMODB to the endpoint you need'),
  /** The DynamoDB table that remembers handled events (Powertools idempotency layout). */
  DEDUPE_TABLE_NAME: z.string().check(z.regex(/^[A-Za-z0-9._-]{3,255}$/, 'expected a DynamoDB table name')),
  /** How long a handled event is remembered: a copy arriving within it is skipped. At most 30 days. */
  DEDUPE_WINDOW_SECONDS: z.pipe(positiveInt(86_400), z.number().check(z.maximum(2_592_000))),
  /**
   * Provision's prefix of default event source names (`<prefix>-<storeHash>`): an event that came through
   * such a source must name that store as its producer.
   */
  EVENT_SOURCE_NAME_PREFIX: z._default(
    z.string().check(z.regex(/^[A-Za-z0-9._-]{1,40}$/)),
    DEFAULT_EVENT_SOURCE_NAME_PREFIX,
  ),
});

export type ConsumeConfig = z.infer<typeof ConsumeEnvSchema>;

/** The consume function's configuration, read once at start. */
export const loadConsumeConfig = (env: Env = process.env): ConsumeConfig =>
  parseEnv(ConsumeEnvSchema, env, 'consume');
