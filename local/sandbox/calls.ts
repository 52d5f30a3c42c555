import { Kind, type OperationDefinitionNode, parse } from 'graphql';

/** One GraphQL request the sandbox received, for assertions such as "no mutation was sent". */
export interface SandboxCall {
  storeHash: string;
  operation: 'query' | 'mutation' | 'subscription';
  /** The fields called under `store { }` / `webhook { }`, one per alias: `['createEventBridgeWebhook', ...]`. */
  fields: string[];
}

/** Describes a parsed request; throws GraphQL syntax errors. */
export const describeCall = (storeHash: string, query: string, operationName?: string): SandboxCall => {
  const operations = parse(query).definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    operations.find((op) => !operationName || op.name?.value === operationName) ?? operations[0];
  const fields: string[] = [];
  for (const top of operation?.selectionSet.selections ?? []) {
    if (top.kind !== Kind.FIELD) continue;
    const inner = top.selectionSet?.selections ?? [];
    for (const field of inner) if (field.kind === Kind.FIELD) fields.push(field.name.value);
  }
  return { storeHash, operation: operation?.operation ?? 'query', fields };
};
