import { buildSchema, parse, print, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { variantDocument } from '../../../local/sandbox/schema.js';
import { dialectOf } from '../../../shared/bigcommerce/graphql/dialect.js';
import { documentsToCheck } from '../../../shared/bigcommerce/graphql/documents.js';

/** The sandbox's schema with the create payload typed as the Webhook interface and the EventBridge type renamed. */
const interfaceTyped = (memberName: string) =>
  buildSchema(
    print(variantDocument({ eventBridgeType: memberName })).replace(
      `type CreateEventBridgeWebhookResult {\n  webhook: ${memberName}`,
      'type CreateEventBridgeWebhookResult {\n  webhook: Webhook',
    ),
  );

const problemsOf = (schema: ReturnType<typeof buildSchema>) => {
  const { dialect } = dialectOf(schema);
  return Object.entries(documentsToCheck(dialect)).flatMap(([name, document]) =>
    validate(schema, parse(document)).map((error) => `${name}: ${error.message}`),
  );
};

describe('Dialect: what a store schema makes of our documents', () => {
  it('finds the EventBridge member of an interface-typed payload by name and reads destination through it', () => {
    // Act
    const { dialect } = dialectOf(interfaceTyped('AmazonEventBridgeWebhook'));

    // Assess
    expect(dialect.nodeSelection).toContain('... on AmazonEventBridgeWebhook { destination');
    expect(problemsOf(interfaceTyped('AmazonEventBridgeWebhook'))).toEqual([]);
  });

  it('keeps the documented selection, so validation names the problem, when no member carries destination', () => {
    // Prepare: the member is not named like EventBridge, so nothing shows where destination is
    const schema = interfaceTyped('AwsWebhook');

    // Act
    const problems = problemsOf(schema);

    // Assess: never a list that silently selects no destination
    expect(dialectOf(schema).dialect.nodeSelection).toContain('destination');
    expect(problems.join('\n')).toMatch(/Unknown type "EventBridgeWebhook"/);
  });
});
