import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { dedupeTableInput } from '../../shared/dedupe/table.js';

/** An in-memory DynamoDB (dynalite) on 127.0.0.1, on a random port, and a real client pointed at it. */
export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Creates a dedupe table (the layout serverless.yml declares) and returns its name. */
  createDedupeTable(name?: string): Promise<string>;
  stop(): Promise<void>;
}

let tables = 0;

/** Starts dynalite in this process over HTTP, with tables usable as soon as CreateTable returns. */
export const startDynalite = async (): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    client,
    async createDedupeTable(name) {
      tables += 1;
      const tableName = name ?? `dedupe-test-${tables}`;
      await client.send(new CreateTableCommand(dedupeTableInput(tableName)));
      return tableName;
    },
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
