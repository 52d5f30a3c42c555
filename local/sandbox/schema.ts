import { readFileSync } from 'node:fs';
import {
  buildASTSchema,
  type DocumentNode,
  type GraphQLSchema,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  visit,
} from 'graphql';

/** The sandbox's schema as written, the documented names plus our guesses (see schema.graphql). */
const SDL = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** The EventBridge webhook type's name in schema.graphql. */
export const DEFAULT_EVENT_BRIDGE_TYPE = 'EventBridgeWebhook';

/** The HTTPS webhook type's name: BigCommerce's, verified (reference §8 and §9). */
export const HTTPS_WEBHOOK_TYPE = 'HttpsWebhook';

/**
 * A schema BigCommerce's docs leave possible: each option departs from schema.graphql where the docs are
 * silent, so tests can show provisioning adapts to it (or stops at preflight, naming what is missing).
 */
export interface SchemaVariant {
  /** Another name for the EventBridge webhook type (default `EventBridgeWebhook`). */
  eventBridgeType?: string;
  /** No `updateEventBridgeWebhook` mutation: an inactive webhook must be deleted and created again. */
  noUpdateMutation?: boolean;
  /** No `errors` field on mutation payloads: refusals come as top-level GraphQL errors. */
  noErrorsFields?: boolean;
  /** Introspection queries are refused. */
  noIntrospection?: boolean;
  /** The status enum has `DEACTIVATED` (REST's third state): inactive webhooks report it. */
  deactivatedStatus?: boolean;
  /** Fields of `WebhookMutations` that do not exist (e.g. `createEventBridgeWebhook`): nothing can adapt. */
  withoutMutations?: string[];
}

const removeFields = (node: ObjectTypeDefinitionNode, drop: (name: string) => boolean) => ({
  ...node,
  fields: node.fields?.filter((field) => !drop(field.name.value)),
});

/** The schema.graphql document transformed into `variant`. */
export const variantDocument = (variant: SchemaVariant): DocumentNode =>
  visit(SDL, {
    ObjectTypeDefinition(node) {
      if (node.name.value === 'WebhookMutations') {
        const without = new Set(variant.withoutMutations ?? []);
        if (variant.noUpdateMutation) without.add('updateEventBridgeWebhook');
        return removeFields(node, (name) => without.has(name));
      }
      if (variant.noErrorsFields && node.name.value.endsWith('Result')) {
        return removeFields(node, (name) => name === 'errors');
      }
      return undefined;
    },
    EnumTypeDefinition(node) {
      if (!variant.deactivatedStatus || node.name.value !== 'WebhookStatus') return undefined;
      return {
        ...node,
        values: [
          ...(node.values ?? []),
          { kind: Kind.ENUM_VALUE_DEFINITION, name: { kind: Kind.NAME, value: 'DEACTIVATED' } },
        ],
      };
    },
    Name(node) {
      return variant.eventBridgeType && node.value === DEFAULT_EVENT_BRIDGE_TYPE
        ? { ...node, value: variant.eventBridgeType }
        : undefined;
    },
  });

/** The executable schema of a variant (the default one: schema.graphql as written). */
export const sandboxSchemaOf = (variant: SchemaVariant = {}): GraphQLSchema =>
  buildASTSchema(variantDocument(variant));

/** schema.graphql as written. */
export const sandboxSchema = sandboxSchemaOf();
