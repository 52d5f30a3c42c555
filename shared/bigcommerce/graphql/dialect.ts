import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
} from 'graphql';

/**
 * What one store's Admin GraphQL schema calls the things provision sends, where BigCommerce's docs leave
 * them open (reference/bigcommerce-webhooks.md §8). Documents are built from a dialect, never written by
 * hand, so a store whose schema differs gets documents it accepts.
 */
export interface Dialect {
  /** The concrete type of EventBridge webhooks, whose fragment carries `destination` in lists. */
  eventBridgeType: string;
  /** The selection of a webhook in create and update payloads. */
  webhookSelection: string;
  /** The selection of a webhook node in `store.webhooks` (with `__typename`, to tell the transports apart). */
  nodeSelection: string;
  /** The selection of a webhook in createHttpsWebhook payloads. */
  httpsWebhookSelection: string;
  /** Each mutation payload's `errors { ... }` selection, or '' where the payload has no `errors` field. */
  errors: {
    createEventSource: string;
    createWebhook: string;
    updateWebhook: string;
    deleteWebhook: string;
    createHttpsWebhook: string;
  };
  /** `updateEventBridgeWebhook(input: {id, data: {isActive}})` exists; without it, reactivating is delete + create. */
  updateMutation: boolean;
}

/** The type name we guess for EventBridge webhooks (siblings are HttpsWebhook, PubSubWebhook). */
export const GUESSED_EVENT_BRIDGE_TYPE = 'EventBridgeWebhook';

/** The type of HTTPS webhooks: BigCommerce's, verified (reference §8 lists it in `store.webhooks` fragments). */
export const HTTPS_WEBHOOK_TYPE = 'HttpsWebhook';

/**
 * Only what BigCommerce's docs show, plus the one guess a list cannot do without (the type name of the
 * `destination` fragment): no `errors` fields (no doc example selects one on these payloads), no update
 * mutation (its name is not documented), a webhook's state read from `status` (verified) in lists.
 * Used when a store refuses introspection.
 */
export const DOCUMENTED_DIALECT: Dialect = {
  eventBridgeType: GUESSED_EVENT_BRIDGE_TYPE,
  webhookSelection: 'id scope destination isActive createdAt',
  nodeSelection: `__typename id scope status ... on ${GUESSED_EVENT_BRIDGE_TYPE} { destination } ... on ${HTTPS_WEBHOOK_TYPE} { destination }`,
  // createHttpsWebhook's response as BigCommerce's HTTPS guide shows it (reference §9): verified.
  httpsWebhookSelection: 'id scope destination status isActive createdAt',
  errors: {
    createEventSource: '',
    createWebhook: '',
    updateWebhook: '',
    deleteWebhook: '',
    createHttpsWebhook: '',
  },
  updateMutation: false,
};

type AnyField = GraphQLField<unknown, unknown>;

const fieldsOf = (type: GraphQLNamedType | undefined): Record<string, AnyField> =>
  type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : {};

/** `errors { __typename ... on A { message } ... }` for a payload type, or '' when it has no `errors`. */
const errorsSelection = (payload: GraphQLNamedType | undefined): string => {
  const errors = fieldsOf(payload).errors;
  if (!errors) return '';
  const type = getNamedType(errors.type);
  if (isUnionType(type)) {
    const members = type.getTypes().filter((member) => 'message' in member.getFields());
    return `errors { __typename ${members.map((member) => `... on ${member.name} { message }`).join(' ')} }`;
  }
  return 'message' in fieldsOf(type) ? 'errors { __typename message }' : 'errors { __typename }';
};

/** Fields provision cannot do without: a webhook's id, scope and destination, and its state by one of two. */
const REQUIRED = ['id', 'scope', 'destination'] as const;
const STATE = ['status', 'isActive'] as const;

/**
 * The fields provision reads from a webhook, those of an abstract type's concrete member in a fragment; or
 * `undefined` when the schema offers no id, scope, destination or state there (the caller then keeps the
 * documented selection, so validation names what is missing instead of a list silently losing it).
 */
const webhookSelectionOf = (
  declared: GraphQLNamedType | undefined,
  concrete: string,
  wanted: readonly string[],
  schema: GraphQLSchema,
): string | undefined => {
  const own = fieldsOf(declared);
  const member = fieldsOf(schema.getType(concrete));
  const direct = wanted.filter((name) => name in own);
  const inFragment = wanted.filter((name) => !(name in own) && name in member);
  const selected = new Set([...direct, ...inFragment]);
  if (!REQUIRED.every((name) => selected.has(name)) || !STATE.some((name) => selected.has(name))) {
    return undefined;
  }
  const fragment = inFragment.length > 0 ? ` ... on ${concrete} { ${inFragment.join(' ')} }` : '';
  return `${direct.join(' ')}${declared?.name === concrete ? '' : fragment}`;
};

/** The named type found by following field names from `type`, or `undefined` where one is missing. */
const typeAt = (type: GraphQLNamedType | undefined, path: readonly string[]): GraphQLNamedType | undefined =>
  path.reduce<GraphQLNamedType | undefined>((at, name) => {
    const field = fieldsOf(at)[name];
    return field ? getNamedType(field.type) : undefined;
  }, type);

const PAYLOAD_FIELDS = ['id', 'scope', 'status', 'destination', 'isActive', 'createdAt'] as const;

/**
 * The dialect a store's schema proves, and each way it departs from {@link DOCUMENTED_DIALECT} in words.
 * Names the schema lacks are left as documented: validating the documents then names what is missing.
 */
export const dialectOf = (schema: GraphQLSchema): { dialect: Dialect; adaptations: string[] } => {
  const mutations = fieldsOf(typeAt(schema.getMutationType() ?? undefined, ['webhook']));
  const payloadOf = (name: string) => {
    const field = mutations[name];
    return field ? getNamedType(field.type) : undefined;
  };
  const createPayload = payloadOf('createEventBridgeWebhook');
  const declared = typeAt(createPayload, ['webhook']);

  // The concrete EventBridge webhook type: the create payload's own type, or the abstract type's member
  // named like it.
  const members = declared && isAbstractType(declared) ? schema.getPossibleTypes(declared) : [];
  const concrete =
    declared && isObjectType(declared)
      ? declared.name
      : (members.find((type) => /eventbridge/i.test(type.name))?.name ?? GUESSED_EVENT_BRIDGE_TYPE);

  const node = typeAt(schema.getQueryType() ?? undefined, ['store', 'webhooks', 'edges', 'node']);
  const nodeWanted = ['id', 'scope', 'status', 'destination', 'isActive'];
  const httpsPayload = payloadOf('createHttpsWebhook');
  const eventBridgeNode = node && webhookSelectionOf(node, concrete, nodeWanted, schema);
  // HTTPS nodes in the same list: their destination is in their own fragment where the node type is abstract.
  const httpsNode = node && webhookSelectionOf(node, HTTPS_WEBHOOK_TYPE, nodeWanted, schema);
  const httpsFragment = httpsNode?.match(/\.\.\. on \w+ \{[^}]*\}/)?.[0];
  const updateInput = mutations.updateEventBridgeWebhook?.args.find((arg) => arg.name === 'input');
  const updateData = updateInput ? getNamedType(updateInput.type) : undefined;
  const dataType =
    updateData && isInputObjectType(updateData) ? getNamedType(updateData.getFields().data?.type) : undefined;
  const updateMutation = Boolean(dataType && isInputObjectType(dataType) && dataType.getFields().isActive);

  const dialect: Dialect = {
    eventBridgeType: concrete,
    webhookSelection:
      (declared && webhookSelectionOf(declared, concrete, PAYLOAD_FIELDS, schema)) ??
      DOCUMENTED_DIALECT.webhookSelection,
    nodeSelection: eventBridgeNode
      ? `__typename ${eventBridgeNode}${httpsFragment ? ` ${httpsFragment}` : ''}`
      : DOCUMENTED_DIALECT.nodeSelection,
    httpsWebhookSelection:
      (httpsPayload &&
        webhookSelectionOf(typeAt(httpsPayload, ['webhook']), HTTPS_WEBHOOK_TYPE, PAYLOAD_FIELDS, schema)) ??
      DOCUMENTED_DIALECT.httpsWebhookSelection,
    errors: {
      createEventSource: errorsSelection(payloadOf('createEventSource')),
      createWebhook: errorsSelection(createPayload),
      updateWebhook: errorsSelection(payloadOf('updateEventBridgeWebhook')),
      deleteWebhook: errorsSelection(payloadOf('deleteWebhook')),
      createHttpsWebhook: errorsSelection(httpsPayload),
    },
    updateMutation,
  };

  const adaptations: string[] = [];
  if (concrete !== GUESSED_EVENT_BRIDGE_TYPE) {
    adaptations.push(`EventBridge webhooks are type ${concrete}, not ${GUESSED_EVENT_BRIDGE_TYPE}`);
  }
  if (!updateMutation) {
    adaptations.push(
      'no updateEventBridgeWebhook mutation: an inactive webhook is deleted and created again',
    );
  }
  for (const [payload, selection] of Object.entries(dialect.errors)) {
    if (!selection)
      adaptations.push(`${payload} has no errors field: its refusals are read from GraphQL errors`);
  }
  return { dialect, adaptations };
};
