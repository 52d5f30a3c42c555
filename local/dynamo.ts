import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DEDUPE_ATTRIBUTES } from '../shared/dedupe/table.js';
import { STORES_ATTRIBUTES } from '../shared/provisioning/stores-table.js';
import { HOST, REGION } from './stack-config.js';

/** An in-memory DynamoDB (dynalite) over HTTP, and an AWS SDK client pointed at it. */
export interface LocalDynamo {
  /** The endpoint to set as AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  /** The AWS SDK client, for table management. */
  client: DynamoDBClient;
  /** Creates a dedupe table with the layout serverless.yml declares. */
  createDedupeTable(name: string): Promise<string>;
  /** Creates a stores table (provision's store leases) with the layout serverless.yml declares. */
  createStoresTable(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The CreateTable input of a dedupe table, as serverless.yml declares `DedupeTable`. */
const dedupeTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: DEDUPE_ATTRIBUTES.key, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: DEDUPE_ATTRIBUTES.key, KeyType: 'HASH' }],
});

/** The CreateTable input of a stores table, as serverless.yml declares `StoresTable`. */
const storesTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{ AttributeName: STORES_ATTRIBUTES.key, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: STORES_ATTRIBUTES.key, KeyType: 'HASH' }],
});

/**
 * Resolves with the table's name once DynamoDB reports it ACTIVE: a new table is CREATING first, and
 * dynalite, like DynamoDB, refuses item calls on it until then (ResourceNotFoundException).
 */
const untilActive = async (client: DynamoDBClient, name: string): Promise<string> => {
  for (let polls = 0; polls < 1_000; polls += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return name;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
};

/** Starts dynalite on `port` (0: a free one), with tables usable as soon as CreateTable returns. */
export const startDynamo = async (port = 0): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const endpoint = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials });
  return {
    endpoint,
    client,
    async createDedupeTable(name) {
      await client.send(new CreateTableCommand(dedupeTableInput(name)));
      return untilActive(client, name);
    },
    async createStoresTable(name) {
      await client.send(new CreateTableCommand(storesTableInput(name)));
      return untilActive(client, name);
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
