import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../../local/sandbox/server.js';
import { MAX_WEBHOOKS_PER_SCOPE } from '../../../local/sandbox/state.js';
import { CLIENT_ID, STORE_HASH, TOKEN } from '../../helpers/provision-harness.js';

const CREATE_SOURCE = `mutation createEventSource($input: CreateEventSourceInput!) {
  webhook { createEventSource(input: $input) {
    eventSource { id arn eventSourceName eventSourceRegion }
    errors { __typename ... on AlreadyExistsError { message } ... on ValidationError { message } }
  } }
}`;
const CREATE_WEBHOOK = `mutation create($input: CreateEventBridgeWebhookInput!) {
  webhook { createEventBridgeWebhook(input: $input) {
    webhook { id scope destination isActive }
    errors { __typename ... on AlreadyExistsError { message } ... on ValidationError { message } }
  } }
}`;
const LIST = `query list($after: String) { store { webhooks(first: 2, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id scope status ... on EventBridgeWebhook { destination isActive } } }
} } }`;

interface MutationResult {
  eventSource?: { arn: string } | null;
  errors: { __typename: string; message: string }[];
}

interface GraphQLBody {
  data?: {
    webhook?: Record<string, MutationResult | undefined>;
    store?: {
      webhooks: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { node: { scope: string } }[];
      };
    };
  };
  errors?: { message: string }[];
}

describe('BigCommerce sandbox', () => {
  let sandbox: Sandbox;
  const hook = vi.fn();

  const post = async (query: string, variables: Record<string, unknown> = {}, token = TOKEN) => {
    const response = await fetch(`${sandbox.url}/stores/${STORE_HASH}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': token },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as GraphQLBody,
    };
  };
  const createSource = (name = 'My-Source') =>
    post(CREATE_SOURCE, {
      input: {
        awsAccount: '123456789012',
        eventSourceName: name,
        eventSourceRegion: 'US_EAST_1',
        clientId: CLIENT_ID,
      },
    });

  beforeEach(async () => {
    hook.mockReset();
    sandbox = await startSandbox({
      accounts: [{ storeHash: STORE_HASH, token: TOKEN, clientId: CLIENT_ID }],
      onEventSourceCreated: hook,
    });
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it('listens on 127.0.0.1 and checks X-Auth-Token', async () => {
    // Act
    const wrong = await post(LIST, {}, 'nope');
    const unknownStore = await fetch(`${sandbox.url}/stores/zzz/graphql`, { method: 'POST', body: '{}' });

    // Assess
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(wrong.status).toBe(401);
    expect(unknownStore.status).toBe(404);
  });

  it('creates an event source with a lower-cased name and an ARN without the events segment, calling the hook', async () => {
    // Act
    const { body } = await createSource();
    const again = await createSource();

    // Assess
    const name = `aws.partner/bigcommerce.com/sandbox/${CLIENT_ID}/my-source`;
    expect(body.data?.webhook?.createEventSource).toEqual({
      eventSource: {
        id: expect.stringMatching(/^bc\/store\/eventSource\/\d+$/),
        arn: `arn:aws:us-east-1::event-source/${name}`,
        eventSourceName: 'my-source',
        eventSourceRegion: 'US_EAST_1',
      },
      errors: [],
    });
    expect(hook).toHaveBeenCalledTimes(1);
    expect(hook).toHaveBeenCalledWith(
      expect.objectContaining({ name, awsAccount: '123456789012', region: 'us-east-1' }),
    );
    expect(again.body.data?.webhook?.createEventSource?.errors).toEqual([
      { __typename: 'AlreadyExistsError', message: expect.any(String) },
    ]);
  });

  it('allows one webhook per scope and destination, and at most ten per scope', async () => {
    // Prepare
    const arns: string[] = [];
    for (let i = 0; i <= MAX_WEBHOOKS_PER_SCOPE; i += 1) {
      const { body } = await createSource(`source-${i}`);
      arns.push(body.data?.webhook?.createEventSource?.eventSource?.arn ?? '');
    }
    const create = (destination: string) =>
      post(CREATE_WEBHOOK, { input: { scope: 'store/order/created', destination, isActive: true } });

    // Act
    const results = [];
    for (const arn of arns) results.push((await create(arn)).body.data?.webhook?.createEventBridgeWebhook);
    const duplicate = (await create(arns[0] ?? '')).body.data?.webhook?.createEventBridgeWebhook;

    // Assess
    expect(results.slice(0, MAX_WEBHOOKS_PER_SCOPE).every((result) => result?.errors.length === 0)).toBe(
      true,
    );
    expect(results.at(-1)?.errors[0]?.__typename).toBe('ValidationError');
    expect(duplicate?.errors[0]?.__typename).toBe('AlreadyExistsError');
  });

  it("rejects unknown scopes and destinations that are not this store's event sources", async () => {
    // Prepare
    const { body } = await createSource();
    const arn = body.data?.webhook?.createEventSource?.eventSource?.arn ?? '';

    // Act
    const badScope = await post(CREATE_WEBHOOK, { input: { scope: 'store/nothing/here', destination: arn } });
    const badDestination = await post(CREATE_WEBHOOK, {
      input: {
        scope: 'store/order/created',
        destination: 'arn:aws:events:us-east-1::event-source/aws.partner/x/y',
      },
    });

    // Assess
    expect(badScope.body.data?.webhook?.createEventBridgeWebhook?.errors[0]?.__typename).toBe(
      'ValidationError',
    );
    expect(badDestination.body.data?.webhook?.createEventBridgeWebhook?.errors[0]?.__typename).toBe(
      'ValidationError',
    );
  });

  it('pages store.webhooks with cursors', async () => {
    // Prepare
    const { body } = await createSource();
    const arn = body.data?.webhook?.createEventSource?.eventSource?.arn ?? '';
    for (const scope of ['store/order/created', 'store/order/updated', 'store/cart/created']) {
      await post(CREATE_WEBHOOK, { input: { scope, destination: arn } });
    }

    // Act
    const first = (await post(LIST)).body.data?.store?.webhooks;
    const second = (await post(LIST, { after: first?.pageInfo.endCursor })).body.data?.store?.webhooks;

    // Assess
    expect(first?.edges.map((edge) => edge.node.scope)).toEqual([
      'store/order/created',
      'store/order/updated',
    ]);
    expect(first?.pageInfo.hasNextPage).toBe(true);
    expect(second?.edges.map((edge) => edge.node.scope)).toEqual(['store/cart/created']);
    expect(second?.pageInfo.hasNextPage).toBe(false);
    expect(second?.edges[0]?.node).toMatchObject({ status: 'ACTIVE', isActive: true, destination: arn });
  });

  it('injects faults through its control endpoint: 429 with a reset header, then normal service', async () => {
    // Prepare
    await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ status: 429, resetMs: 750, match: 'webhooks' }),
    });

    // Act
    const limited = await post(LIST);
    const normal = await post(LIST);

    // Assess
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-time-reset-ms')).toBe('750');
    expect(normal.status).toBe(200);
    expect(normal.headers.get('x-rate-limit-requests-quota')).toBe('150');
  });

  it('answers with a top-level error when the createEventSource hook fails, and keeps no source', async () => {
    // Prepare
    hook.mockRejectedValueOnce(new Error('emulator down'));

    // Act
    const { body } = await createSource();

    // Assess
    expect(body.errors).toEqual([expect.objectContaining({ message: 'emulator down' })]);
    expect(sandbox.state.eventSources).toEqual([]);
  });
});
