import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { dedupeTableInput } from '../shared/dedupe/table.js';
import { HOST, REGION } from './stack-config.js';

/** An in-memory DynamoDB (dynalite) over HTTP, and a real client pointed at it. */
export interface LocalDynamo {
  /** The endpoint to set as AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  client: DynamoDBClient;
  /** Creates a dedupe table with the layout serverless.yml declares. */
  createDedupeTable(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts dynalite on `port` (0: a free one), with tables usable as soon as CreateTable returns. */
export const startDynamo = async (port = 0): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const endpoint = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    async createDedupeTable(name) {
      await client.send(new CreateTableCommand(dedupeTableInput(name)));
      return name;
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
