import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, PermanentError, TransientError } from '../../../shared/errors.js';
import { ProvisionError } from '../../../shared/provisioning/errors.js';
import { type ProvisionRequest, provision } from '../../../shared/provisioning/provision.js';
import {
  FULL_SOURCE_NAME,
  type ProvisionHarness,
  SCOPES,
  settings,
  startProvisionHarness,
} from '../../helpers/provision-harness.js';

const failAt = async (h: ProvisionHarness, overrides: Partial<ProvisionRequest> = {}) => {
  const error = await provision(h.request(overrides), settings, h.deps).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ProvisionError)) throw new Error(`expected a ProvisionError, got ${String(error)}`);
  return error;
};

/** Exactly one of each resource and one active webhook per scope: nothing was duplicated. */
const expectOneOfEach = (h: ProvisionHarness) => {
  expect(h.sandbox.state.eventSources).toHaveLength(1);
  expect(h.eventBridge.resources()).toEqual({ buses: 1, rules: 1, targets: 1 });
  expect(h.sandbox.state.webhooks.map((hook) => [hook.scope, hook.isActive]).sort()).toEqual(
    SCOPES.map((scope) => [scope, true]),
  );
};

const failures: {
  step: string;
  inject: (h: ProvisionHarness) => void;
  doneBefore: string[];
}[] = [
  {
    step: 'source',
    // BigCommerce creates the source, but every answer is lost: the caller only sees 503s.
    inject: (h) => {
      h.sandbox.faults.add({ match: 'createEventSource', status: 503, afterExecute: true });
      h.sandbox.faults.add({ match: 'createEventSource', status: 503, times: 3 });
    },
    doneBefore: [],
  },
  {
    step: 'bus',
    inject: (h) =>
      h.eventBridge.emulator.faults.inject({
        operation: 'CreateEventBus',
        error: 'ThrottlingException',
        message: 'Rate exceeded',
      }),
    doneBefore: ['source'],
  },
  {
    step: 'rule',
    inject: (h) =>
      h.eventBridge.emulator.faults.inject({
        operation: 'PutRule',
        error: 'InternalException',
        message: 'internal',
      }),
    doneBefore: ['source', 'bus'],
  },
  {
    step: 'target',
    inject: (h) =>
      h.eventBridge.emulator.faults.inject({
        operation: 'PutTargets',
        error: 'ConcurrentModificationException',
        message: 'busy',
      }),
    doneBefore: ['source', 'bus', 'rule'],
  },
  {
    step: 'webhooks',
    // The webhooks are created, but every attempt's answer is a 500.
    inject: (h) =>
      h.sandbox.faults.add({ match: 'createEventBridgeWebhook', status: 500, afterExecute: true, times: 4 }),
    doneBefore: ['source', 'bus', 'rule', 'target'],
  },
];

describe('Function: provision (failures and convergence)', () => {
  let h: ProvisionHarness;

  beforeEach(async () => {
    h = await startProvisionHarness();
  });

  afterEach(async () => {
    await h.close();
  });

  it.each(failures)(
    'converges on the next run after a transient failure at step $step, with no duplicates',
    async ({ step, inject, doneBefore }) => {
      // Prepare
      inject(h);

      // Act
      const error = await failAt(h);
      const next = await provision(h.request(), settings, h.deps);
      const third = await provision(h.request(), settings, h.deps);

      // Assess
      expect(error.step).toBe(step);
      expect(error.cause).toBeInstanceOf(TransientError);
      expect(error.entries.map((entry) => entry.resource)).toEqual(doneBefore);
      expect(next.converged).toBe(true);
      expectOneOfEach(h);
      expect(third.entries.every((entry) => entry.action === 'unchanged')).toBe(true);
    },
  );

  it('absorbs a lost createEventSource answer within one run: the retry sees AlreadyExistsError', async () => {
    // Prepare
    h.sandbox.faults.add({ match: 'createEventSource', status: 502, afterExecute: true });

    // Act
    const result = await provision(h.request(), settings, h.deps);

    // Assess
    expect(result.entries[0]).toMatchObject({ resource: 'source', action: 'unchanged', state: 'PENDING' });
    expectOneOfEach(h);
  });

  it('waits with backoff until a new source becomes visible to EventBridge', async () => {
    // Prepare
    await h.close();
    h = await startProvisionHarness({ hiddenForLists: 2 });

    // Act
    const result = await provision(h.request(), settings, h.deps);

    // Assess
    expect(result.entries[0]).toMatchObject({ resource: 'source', action: 'created' });
    expect(h.sleeps.length).toBeGreaterThanOrEqual(2);
  });

  it('gives up waiting for an invisible source with a transient error, and the next run finishes', async () => {
    // Prepare
    await h.close();
    h = await startProvisionHarness({ hiddenForLists: 1_000 });
    const impatient = { ...settings, sourceWaitMs: 1_000 };

    // Act
    const error = await provision(h.request(), impatient, h.deps).catch((caught: unknown) => caught);
    h.eventBridge.emulator.showSources();
    const next = await provision(h.request(), impatient, h.deps);

    // Assess
    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).cause).toBeInstanceOf(TransientError);
    expect((error as ProvisionError).message).toMatch(/does not show it yet/);
    expect(next.entries[0]).toMatchObject({ resource: 'source', action: 'unchanged' });
    expectOneOfEach(h);
  });

  it('names the credentials step when the store has no token, with no entries', async () => {
    // Prepare
    h.deps.graphqlFor = async () => {
      throw new NotFoundError('no access token for store k7q2m9x4p1');
    };

    // Act
    const error = await failAt(h);

    // Assess
    expect(error.step).toBe('credentials');
    expect(error.cause).toBeInstanceOf(NotFoundError);
    expect(error.entries).toEqual([]);
  });

  it('reports the webhooks it made before BigCommerce refused one scope', async () => {
    // Act
    const error = await failAt(h, { scopes: ['store/order/created', 'store/nonsense/thing'] });

    // Assess
    expect(error.step).toBe('webhooks');
    expect(error.cause).toBeInstanceOf(PermanentError);
    expect(error.message).toMatch(/store\/nonsense\/thing: ValidationError/);
    expect(error.entries.at(-1)).toMatchObject({
      resource: 'webhook',
      scope: 'store/order/created',
      action: 'created',
    });
  });

  it('refuses to continue when BigCommerce deleted the source, pointing at teardown', async () => {
    // Prepare
    await provision(h.request(), settings, h.deps);
    await h.eventBridge.deletePartnerSource(FULL_SOURCE_NAME);

    // Act
    const error = await failAt(h);

    // Assess
    expect(error.step).toBe('source');
    expect(error.cause).toMatchObject({ name: 'ConflictError' });
    expect(error.message).toMatch(/DELETE \/provision/);
  });
});
