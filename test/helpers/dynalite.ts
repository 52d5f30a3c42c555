import { type LocalDynamo as Dynamo, startDynamo } from '../../local/dynamo.js';

/** The offline stack's dynalite, where a table name is optional: each call then makes a fresh table. */
export interface LocalDynamo extends Omit<Dynamo, 'createDedupeTable' | 'createStoresTable'> {
  createDedupeTable(name?: string): Promise<string>;
  createStoresTable(name?: string): Promise<string>;
}

let tables = 0;

/** dynalite on a random 127.0.0.1 port, with a real client pointed at it. */
export const startDynalite = async (): Promise<LocalDynamo> => {
  const dynamo = await startDynamo(0);
  return {
    ...dynamo,
    createDedupeTable(name?: string) {
      tables += 1;
      return dynamo.createDedupeTable(name ?? `dedupe-test-${tables}`);
    },
    createStoresTable(name?: string) {
      tables += 1;
      return dynamo.createStoresTable(name ?? `stores-test-${tables}`);
    },
  };
};
