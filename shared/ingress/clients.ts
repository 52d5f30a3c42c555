/**
 * The SDK settings of the ingest function's clients (SQS, SSM): two attempts, and short timeouts, so an
 * AWS endpoint that stalls costs a delivery at most ~2 x (1 s connect + 2 s answer) per client, well
 * inside the function's 10 s, and BigCommerce gets a quick 503 to retry rather than a slow answer: it
 * blocklists slow destinations (reference §4). The SDK's defaults are three attempts and no timeout.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 */
export const INGEST_SDK_CONFIG = {
  maxAttempts: 2,
  // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes, and waits on.
  requestHandler: { requestTimeout: 2_000, connectionTimeout: 1_000, throwOnRequestTimeout: true },
};
