import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type SchemaVariant, sandboxSchemaOf } from '../../../local/sandbox/schema.js';
import { startSandbox } from '../../../local/sandbox/server.js';
import { createStoreGraphQL } from '../../../shared/bigcommerce/graphql/client.js';
import { DOCUMENTED_DIALECT, dialectOf } from '../../../shared/bigcommerce/graphql/dialect.js';
import { DOCUMENTS_FOR, documentsToCheck } from '../../../shared/bigcommerce/graphql/documents.js';
import { PreflightError, preflight } from '../../../shared/bigcommerce/graphql/preflight.js';
import { CLIENT_ID, STORE_HASH, TOKEN } from '../../helpers/provision-harness.js';

/** The preflight of a sandbox store serving `variant`, for the documents of `documents`. */
const preflightOf = async (variant: SchemaVariant, documents: readonly string[]) => {
  const sandbox = await startSandbox({
    accounts: [{ storeHash: STORE_HASH, token: TOKEN, clientId: CLIENT_ID }],
    variant,
  });
  try {
    const gql = createStoreGraphQL({ apiUrl: sandbox.url, storeHash: STORE_HASH, token: TOKEN });
    return await preflight(gql, { key: STORE_HASH, documents }).catch((error: unknown) => error);
  } finally {
    await sandbox.close();
  }
};

describe('Preflight: the HTTPS transport documents', () => {
  it("reads HTTPS nodes' destination in lists and builds a createHttpsWebhook the store accepts", () => {
    // Prepare
    const schema = sandboxSchemaOf();

    // Act
    const { dialect } = dialectOf(schema);
    const documents = documentsToCheck(dialect);

    // Assess
    expect(dialect.nodeSelection).toMatch(/^__typename /);
    expect(dialect.nodeSelection).toContain('... on HttpsWebhook { destination isActive }');
    expect(dialect.errors.createHttpsWebhook).toContain('... on AlreadyExistsError { message }');
    expect(Object.keys(documents)).toContain('createHttpsWebhook');
    for (const [name, document] of Object.entries(documents)) {
      expect([name, validate(schema, parse(document)).map((error) => error.message)]).toEqual([name, []]);
    }
  });

  it('without errors fields, selects none on createHttpsWebhook and says so', () => {
    // Act
    const { dialect, adaptations } = dialectOf(sandboxSchemaOf({ noErrorsFields: true }));

    // Assess
    expect(dialect.errors.createHttpsWebhook).toBe('');
    expect(adaptations).toContain(
      'createHttpsWebhook has no errors field: its refusals are read from GraphQL errors',
    );
  });

  it('the documented fallback lists HTTPS nodes by their verified fragment', () => {
    // Assess
    expect(DOCUMENTED_DIALECT.nodeSelection).toContain('... on HttpsWebhook { destination }');
    expect(DOCUMENTED_DIALECT.httpsWebhookSelection).toBe('id scope destination status isActive createdAt');
  });

  it('names createHttpsWebhook for a store without it, introspected or probed, and only for HTTPS runs', async () => {
    // Act
    const introspected = await preflightOf({ withoutMutations: ['createHttpsWebhook'] }, DOCUMENTS_FOR.https);
    const probed = await preflightOf(
      { withoutMutations: ['createHttpsWebhook'], noIntrospection: true },
      DOCUMENTS_FOR.https,
    );
    const eventBridge = await preflightOf(
      { withoutMutations: ['createHttpsWebhook'], noIntrospection: true },
      DOCUMENTS_FOR.eventbridge,
    );
    const httpsWithoutEventSource = await preflightOf(
      { withoutMutations: ['createEventSource', 'createEventBridgeWebhook'] },
      DOCUMENTS_FOR.https,
    );

    // Assess
    for (const refused of [introspected, probed]) {
      expect(refused).toBeInstanceOf(PreflightError);
      expect((refused as PreflightError).issues).toEqual([
        expect.objectContaining({ document: 'createHttpsWebhook', field: 'createHttpsWebhook' }),
      ]);
    }
    expect(eventBridge).toMatchObject({ preflight: 'unverified' });
    expect(httpsWithoutEventSource).toMatchObject({ preflight: 'verified' });
  });
});
