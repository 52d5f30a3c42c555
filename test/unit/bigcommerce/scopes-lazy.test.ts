import { describe, expect, it, vi } from 'vitest';
import {
  type CatalogScope,
  catalog,
  catalogScopes,
  schemaOf,
} from '../../../shared/bigcommerce/scopes/index.js';

// Every zod/mini builder the catalog modules call, by name, in order. Constructing a schema costs tens of
// microseconds of the consumer's cold start, so importing the catalog may build only the primitives
// `Id` and `Uuid`.
const calls = vi.hoisted((): string[] => []);

vi.mock('zod/mini', async (importOriginal) => {
  const z = await importOriginal<Record<string, unknown>>();
  return Object.fromEntries(
    Object.entries(z).map(([name, value]) => [
      name,
      typeof value === 'function' && /^[a-z]/.test(name)
        ? (...args: unknown[]) => {
            calls.push(name);
            return (value as (...a: unknown[]) => unknown)(...args);
          }
        : value,
    ]),
  );
});

const callsAtImport = [...calls];
const PRIMITIVES = ['int', 'string', 'minLength'];

/** The zod/mini calls `act` makes. */
const callsDuring = (act: () => void): string[] => {
  const before = calls.length;
  act();
  return calls.slice(before);
};

describe('Scope catalog laziness', () => {
  it('builds no data schema when the catalog is imported', () => {
    expect(catalogScopes).toHaveLength(179);
    expect(callsAtImport.filter((name) => !PRIMITIVES.includes(name))).toEqual([]);
  });

  it("builds a scope's schema on first use, and only once", async () => {
    // A fresh catalog: another test of this file may have built every schema already.
    vi.resetModules();
    const fresh = await import('../../../shared/bigcommerce/scopes/index.js');
    const built = callsDuring(() => fresh.schemaOf('store/order/statusUpdated'));
    expect(built).toContain('looseObject');
    expect(built).toContain('extend');

    const again = callsDuring(() => {
      expect(fresh.schemaOf('store/order/statusUpdated')).toBe(fresh.schemaOf('store/order/statusUpdated'));
    });
    expect(again).toEqual([]);
  });

  it('shares one schema across the scopes of a family', () => {
    const created = schemaOf('store/quote/created');
    expect(callsDuring(() => expect(schemaOf('store/quote/deleted')).toBe(created))).toEqual([]);
    expect(schemaOf('store/channel/{channel_id}/cart/lineItem/updated')).toBe(
      schemaOf('store/channel/{channel_id}/cart/lineItem/created'),
    );
  });

  it('memoizes the schema of every scope', () => {
    const first = new Map<CatalogScope, unknown>(catalogScopes.map((scope) => [scope, schemaOf(scope)]));
    const rebuilt = callsDuring(() => {
      for (const scope of catalogScopes) expect(schemaOf(scope)).toBe(first.get(scope));
    });
    expect(rebuilt).toEqual([]);
    expect(Object.values(catalog).every((entry) => typeof entry === 'function')).toBe(true);
  });
});
