import { describe, expect, it } from 'vitest';
import {
  FireRequestError,
  fireEvent,
  type PartnerEventPublisher,
  scopeMatches,
} from '../../../local/sandbox/fire.js';
import { SandboxState } from '../../../local/sandbox/state.js';

const SOURCE = 'aws.partner/bigcommerce.com/sandbox/client/bigcommerce-webhooks-dev-k7q2m9x4p1';
const ARN = `arn:aws:us-east-1::event-source/${SOURCE}`;

const stateWith = (webhooks: { scope: string; isActive?: boolean; storeHash?: string }[]) => {
  const state = new SandboxState();
  for (const [index, hook] of webhooks.entries()) {
    state.webhooks.push({
      id: index + 1,
      storeHash: hook.storeHash ?? 'k7q2m9x4p1',
      clientId: 'client',
      scope: hook.scope,
      destination: ARN,
      isActive: hook.isActive ?? true,
      createdAt: '2026-11-28T00:00:00Z',
      updatedAt: '2026-11-28T00:00:00Z',
    });
  }
  return state;
};

const recorder = () => {
  const sent: { Source: string; DetailType: string; Detail: string }[] = [];
  const publish: PartnerEventPublisher = async (entries) => {
    sent.push(...entries);
    return entries.map((_, index) => `event-${index}`);
  };
  return { sent, publish };
};

describe('Sandbox: firing store events', () => {
  it.each([
    ['store/product/*', 'store/product/updated', true],
    ['store/product/*', 'store/product/metafield/created', true],
    ['store/product/updated', 'store/product/updated', true],
    ['store/product/updated', 'store/product/created', false],
    ['store/channel/1/cart/*', 'store/channel/1/cart/created', true],
    ['store/channel/1/cart/*', 'store/channel/2/cart/created', false],
    ['store/order/*', 'store/orders/created', false],
  ])('a webhook on %s receives %s: %s', (subscribed, scope, expected) => {
    expect(scopeMatches(subscribed, scope)).toBe(expected);
  });

  it('puts one bigCommerceWebhook partner event on the source of each matching active webhook', async () => {
    // Prepare
    const state = stateWith([
      { scope: 'store/product/*' },
      { scope: 'store/product/updated' },
      { scope: 'store/product/created' },
      { scope: 'store/product/updated', isActive: false },
      { scope: 'store/product/updated', storeHash: 'otherstore' },
    ]);
    const { sent, publish } = recorder();

    // Act
    const result = await fireEvent(
      state,
      { storeHash: 'k7q2m9x4p1', scope: 'store/product/updated', id: 7 },
      publish,
    );

    // Assess
    expect(result.delivered.map((event) => event.subscribedScope)).toEqual([
      'store/product/*',
      'store/product/updated',
    ]);
    expect(sent.map((entry) => [entry.Source, entry.DetailType])).toEqual([
      [SOURCE, 'bigCommerceWebhook'],
      [SOURCE, 'bigCommerceWebhook'],
    ]);
    const payload = JSON.parse(sent[0]?.Detail ?? '{}');
    expect(payload).toMatchObject({
      scope: 'store/product/updated',
      data: { type: 'product', id: 7 },
      producer: 'stores/k7q2m9x4p1',
    });
    expect(payload.hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('delivers nothing when no webhook matches', async () => {
    const { sent, publish } = recorder();
    const result = await fireEvent(
      stateWith([]),
      { storeHash: 'k7q2m9x4p1', scope: 'store/order/created' },
      publish,
    );
    expect(result.delivered).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('refuses a scope outside the catalog unless its data is given', async () => {
    const { publish } = recorder();
    const state = stateWith([{ scope: 'store/order/*' }]);
    await expect(
      fireEvent(state, { storeHash: 'k7q2m9x4p1', scope: 'store/teleporter/created' }, publish),
    ).rejects.toBeInstanceOf(FireRequestError);
    await expect(
      fireEvent(state, { storeHash: 'k7q2m9x4p1', scope: 'store/order/*' }, publish),
    ).rejects.toBeInstanceOf(FireRequestError);
    const forced = await fireEvent(
      state,
      { storeHash: 'k7q2m9x4p1', scope: 'store/order/teleported', data: { id: 1 } },
      publish,
    );
    expect(forced.delivered).toHaveLength(1);
  });
});
