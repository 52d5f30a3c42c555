import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreApi } from '../../../shared/bigcommerce/graphql/client.js';
import { PermanentError, TransientError } from '../../../shared/errors.js';
import type { WebhookEntry } from '../../../shared/provisioning/types.js';
import { reconcileWebhooks, removeWebhooks } from '../../../shared/provisioning/webhooks.js';
import { CLIENT_ID, STORE_HASH } from '../../helpers/provision-harness.js';
import { SOURCE_ARN, startSeededSandbox } from '../../helpers/sandbox-store.js';

type Seeded = Awaited<ReturnType<typeof startSeededSandbox>>;

const run = async (s: Seeded, input: { scopes: string[]; prune?: boolean; dryRun?: boolean }) => {
  const entries: WebhookEntry[] = [];
  await reconcileWebhooks(
    {
      destination: SOURCE_ARN,
      prune: input.prune ?? false,
      dryRun: input.dryRun ?? false,
      scopes: input.scopes,
    },
    s.graphql(),
    (entry) => entries.push(entry),
  );
  return entries;
};

const seedWebhook = (
  s: Seeded,
  scope: string,
  overrides: { destination?: string; isActive?: boolean; clientId?: string } = {},
) =>
  s.sandbox.state.webhooks.push({
    id: s.sandbox.state.newId(),
    storeHash: STORE_HASH,
    clientId: overrides.clientId ?? CLIENT_ID,
    scope,
    destination: overrides.destination ?? SOURCE_ARN,
    isActive: overrides.isActive ?? true,
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
  });

describe('Step: webhooks', () => {
  let s: Seeded;

  beforeEach(async () => {
    s = await startSeededSandbox();
  });

  afterEach(async () => {
    await s.sandbox.close();
  });

  it('reads every page and ignores webhooks to other destinations', async () => {
    // Prepare
    for (let i = 0; i < 120; i += 1)
      seedWebhook(s, 'store/order/created', {
        destination: `arn:aws:events:us-east-1::event-source/aws.partner/bigcommerce.com/x/y/other-${i}`,
      });
    seedWebhook(s, 'store/order/created');

    // Act
    const entries = await run(s, { scopes: ['store/order/created'] });

    // Assess
    expect(entries).toEqual([
      expect.objectContaining({ scope: 'store/order/created', action: 'unchanged', active: true }),
    ]);
    expect(s.sandbox.calls.filter((call) => call.fields.includes('webhooks'))).toHaveLength(3);
    expect(s.sandbox.calls.filter((call) => call.operation === 'mutation')).toHaveLength(0);
  });

  it('creates missing webhooks ten per document, with the source ARN as destination', async () => {
    // Prepare
    const scopes = [
      'store/order/created',
      'store/order/updated',
      'store/order/archived',
      'store/order/statusUpdated',
      'store/product/created',
      'store/product/updated',
      'store/product/deleted',
      'store/category/created',
      'store/category/updated',
      'store/category/deleted',
      'store/customer/created',
      'store/customer/updated',
    ];

    // Act
    const entries = await run(s, { scopes });

    // Assess
    expect(entries.map((entry) => [entry.scope, entry.action])).toEqual(
      scopes.map((scope) => [scope, 'created']),
    );
    expect(entries.every((entry) => entry.id?.startsWith('bc/store/webhook/'))).toBe(true);
    const creates = s.sandbox.calls.filter((call) => call.operation === 'mutation');
    expect(creates.map((call) => call.fields.length)).toEqual([10, 2]);
    expect(new Set(s.sandbox.state.webhooks.map((hook) => hook.destination))).toEqual(new Set([SOURCE_ARN]));
  });

  it('reactivates an inactive webhook instead of creating a second one', async () => {
    // Prepare
    seedWebhook(s, 'store/order/created', { isActive: false });

    // Act
    const entries = await run(s, { scopes: ['store/order/created'] });

    // Assess
    expect(entries).toEqual([expect.objectContaining({ action: 'updated', active: true })]);
    expect(s.sandbox.state.webhooks).toHaveLength(1);
    expect(s.sandbox.state.webhooks[0]?.isActive).toBe(true);
  });

  it('handles AlreadyExistsError from a concurrent run: finds the webhook and reactivates it', async () => {
    // Prepare: another run creates the webhook (inactive) right after this run listed the store's webhooks.
    const real = s.graphql();
    let raced = false;
    const racing: StoreApi = {
      ...real,
      request: async (document, variables, schema) => {
        const data = await real.request(document, variables, schema);
        if (document.includes('listWebhooks') && !raced) {
          raced = true;
          seedWebhook(s, 'store/order/created', { isActive: false });
        }
        return data;
      },
    };
    const entries: WebhookEntry[] = [];

    // Act
    await reconcileWebhooks(
      { destination: SOURCE_ARN, prune: false, dryRun: false, scopes: ['store/order/created'] },
      racing,
      (entry) => entries.push(entry),
    );

    // Assess
    const [hook] = s.sandbox.state.webhooks;
    expect(entries).toEqual([
      expect.objectContaining({ action: 'updated', id: `bc/store/webhook/${hook?.id}`, active: true }),
    ]);
    expect(s.sandbox.state.webhooks).toHaveLength(1);
    expect(hook?.isActive).toBe(true);
  });

  it('fails transiently when BigCommerce answers a create without its payload, so the next run retries', async () => {
    // Prepare: the create mutation comes back with no `m0` (an answer cut short)
    const real = s.graphql();
    const truncated: StoreApi = {
      ...real,
      request: async (document, variables, schema) =>
        document.includes('createEventBridgeWebhook')
          ? ({ webhook: {} } as never)
          : real.request(document, variables, schema),
    };

    // Act
    const error = await reconcileWebhooks(
      { destination: SOURCE_ARN, prune: false, dryRun: false, scopes: ['store/order/created'] },
      truncated,
      () => undefined,
    ).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/MissingPayload/);
  });

  it('fails transiently when BigCommerce says a webhook exists but does not list it yet', async () => {
    // Prepare: a concurrent run made the webhook; the store's listing does not show it yet
    const real = s.graphql();
    let listings = 0;
    const lagging: StoreApi = {
      ...real,
      request: async (document, variables, schema) => {
        if (document.includes('listWebhooks')) {
          listings += 1;
          const data = await real.request(document, variables, schema);
          if (listings > 1)
            return { store: { webhooks: { edges: [], pageInfo: { hasNextPage: false } } } } as never;
          seedWebhook(s, 'store/order/created');
          return data;
        }
        return real.request(document, variables, schema);
      },
    };

    // Act
    const error = await reconcileWebhooks(
      { destination: SOURCE_ARN, prune: false, dryRun: false, scopes: ['store/order/created'] },
      lagging,
      () => undefined,
    ).catch((caught: unknown) => caught);

    // Assess
    expect(listings).toBe(2);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/exists but does not list it yet/);
  });

  it('plans in a dry run: would-create, would-update, and would-delete only with prune', async () => {
    // Prepare
    seedWebhook(s, 'store/order/created', { isActive: false });
    seedWebhook(s, 'store/cart/created');

    // Act
    const plan = await run(s, {
      scopes: ['store/order/created', 'store/category/updated'],
      prune: true,
      dryRun: true,
    });

    // Assess
    expect(plan.map((entry) => [entry.scope, entry.action, entry.wanted])).toEqual([
      ['store/category/updated', 'would-create', true],
      ['store/order/created', 'would-update', true],
      ['store/cart/created', 'would-delete', false],
    ]);
    expect(s.sandbox.calls.filter((call) => call.operation === 'mutation')).toHaveLength(0);
  });

  it('deletes every webhook to the destination on teardown, leaving other apps and destinations alone', async () => {
    // Prepare
    seedWebhook(s, 'store/order/created');
    seedWebhook(s, 'store/cart/created');
    seedWebhook(s, 'store/cart/created', {
      destination: 'arn:aws:events:us-east-1::event-source/aws.partner/bigcommerce.com/x/y/other',
    });
    seedWebhook(s, 'store/order/created', { clientId: 'another-client' });
    const entries: WebhookEntry[] = [];

    // Act
    await removeWebhooks({ matches: (arn) => arn === SOURCE_ARN, dryRun: false }, s.graphql(), (entry) =>
      entries.push(entry),
    );

    // Assess
    expect(entries.map((entry) => [entry.scope, entry.action])).toEqual([
      ['store/order/created', 'deleted'],
      ['store/cart/created', 'deleted'],
    ]);
    expect(s.sandbox.state.webhooks.map((hook) => hook.clientId)).toEqual([CLIENT_ID, 'another-client']);
  });
});
