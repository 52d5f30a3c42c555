// Lambda-like environment for every test. Logs stay quiet unless a test captures them through a fake.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_SERVICE_NAME = 'bigcommerce-webhooks-test';
process.env.POWERTOOLS_METRICS_NAMESPACE ??= 'bigcommerce-webhooks-test';
