import { describe, expect, it } from 'vitest';
import type { SchemaVariant } from '../../local/sandbox/schema.js';
import type { PreflightError } from '../../shared/bigcommerce/graphql/preflight.js';
import { provision } from '../../shared/provisioning/provision.js';
import { teardown } from '../../shared/provisioning/teardown.js';
import { failureOf } from '../helpers/failure.js';
import { settings } from '../helpers/provision-harness.js';
import { ONE_OF_EACH, startChain } from './chain.js';

/** The variants BigCommerce's docs leave open that provisioning must adapt to, and what it must say. */
const ADAPTABLE: { name: string; variant: SchemaVariant; preflight: string; adaptation?: RegExp }[] = [
  { name: 'as written', variant: {}, preflight: 'verified' },
  {
    name: 'another EventBridge webhook type name',
    variant: { eventBridgeType: 'AmazonEventBridgeWebhook' },
    preflight: 'verified',
    adaptation: /type AmazonEventBridgeWebhook, not EventBridgeWebhook/,
  },
  {
    name: 'no update mutation',
    variant: { noUpdateMutation: true },
    preflight: 'verified',
    adaptation: /no updateEventBridgeWebhook mutation/,
  },
  {
    name: 'no errors fields',
    variant: { noErrorsFields: true },
    preflight: 'verified',
    adaptation: /createWebhook has no errors field/,
  },
  { name: 'introspection disabled', variant: { noIntrospection: true }, preflight: 'unverified' },
  { name: 'a DEACTIVATED status', variant: { deactivatedStatus: true }, preflight: 'verified' },
  {
    name: 'all of these at once',
    variant: {
      eventBridgeType: 'AmazonEventBridgeWebhook',
      noUpdateMutation: true,
      noErrorsFields: true,
      deactivatedStatus: true,
    },
    preflight: 'verified',
    adaptation: /AmazonEventBridgeWebhook/,
  },
];

describe("Provisioning against the schema variants BigCommerce's docs leave open (sandbox over HTTP)", () => {
  it.each(ADAPTABLE)(
    'converges, repairs a deactivated webhook and tears down with $name',
    async ({ variant, preflight, adaptation }) => {
      // Prepare
      const chain = await startChain({ variant });
      try {
        // Act
        const created = await provision(chain.request(), settings, chain.deps);
        const first = chain.sandbox.state.webhooks[0];
        if (first) first.isActive = false;
        const status = await provision({ ...chain.request(), dryRun: true }, settings, chain.deps);
        const repaired = await provision(chain.request(), settings, chain.deps);
        const resources = chain.resources();
        const again = await provision(chain.request(), settings, chain.deps);
        const torn = await teardown({ ...chain.request(), dryRun: false }, settings, chain.deps);

        // Assess
        expect(created).toMatchObject({ converged: true, preflight });
        if (adaptation) expect(created.adaptations?.join('\n')).toMatch(adaptation);
        const deactivated = status.entries.find((entry) => entry.action === 'would-update');
        expect(deactivated).toMatchObject({ resource: 'webhook', active: false });
        if (variant.deactivatedStatus) expect(deactivated).toMatchObject({ webhookStatus: 'DEACTIVATED' });
        expect(repaired.converged).toBe(true);
        expect(resources).toEqual(ONE_OF_EACH);
        expect(new Set(again.entries.map((entry) => entry.action))).toEqual(new Set(['unchanged']));
        expect(torn.converged).toBe(true);
        expect(chain.sandbox.state.webhooks).toEqual([]);
      } finally {
        await chain.close();
      }
    },
  );

  it.each([
    { name: 'with introspection', variant: { withoutMutations: ['createEventBridgeWebhook'] } },
    {
      name: 'without introspection',
      variant: { withoutMutations: ['createEventBridgeWebhook'], noIntrospection: true },
    },
  ])(
    'stops at preflight, naming the missing createEventBridgeWebhook, before any change ($name)',
    async ({ variant }) => {
      // Prepare
      const chain = await startChain({ variant });
      try {
        // Act
        const failure = await failureOf(provision(chain.request(), settings, chain.deps));

        // Assess
        expect(failure.step).toBe('preflight');
        expect((failure.cause as PreflightError).issues).toEqual([
          expect.objectContaining({
            document: 'createEventBridgeWebhook',
            type: 'WebhookMutations',
            field: 'createEventBridgeWebhook',
          }),
        ]);
        // Nothing changed (a probe of a store without introspection sends mutations that cannot run).
        expect(chain.sandbox.state.eventSources).toEqual([]);
        expect(chain.sandbox.state.webhooks).toEqual([]);
        expect(Object.keys(chain.emulator.calls())).toEqual([]);
      } finally {
        await chain.close();
      }
    },
  );

  it('still reads status and tears down a store whose schema lacks createEventSource; only POST stops at preflight', async () => {
    // Prepare
    const chain = await startChain({ variant: { withoutMutations: ['createEventSource'] } });
    try {
      // Act
      const status = await provision(
        { ...chain.request(), dryRun: true, reportDeleted: true },
        settings,
        chain.deps,
      );
      const torn = await teardown({ ...chain.request(), dryRun: false }, settings, chain.deps);
      const refused = await failureOf(provision(chain.request(), settings, chain.deps));

      // Assess
      expect(status.converged).toBe(false);
      expect(torn.converged).toBe(true);
      expect(refused.step).toBe('preflight');
      expect((refused.cause as PreflightError).issues.map((issue) => issue.document)).toEqual([
        'createEventSource',
      ]);
    } finally {
      await chain.close();
    }
  });
});
