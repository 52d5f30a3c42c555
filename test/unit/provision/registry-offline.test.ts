import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_STORE_HASHES } from '../../../local/sandbox/stores.js';
import { startOfflineChain } from '../../helpers/offline-chain.js';

interface Listed {
  stores: { storeHash: string; desired: { scopes: string[] }; lastRun?: { outcome: string } }[];
  next?: string;
}

/**
 * The registry on the offline stack's own stores table (dynalite), through the provision API as
 * configured from the stack's variables: what `curl http://127.0.0.1:3000/provision` shows.
 */
describe('Offline stack: the store registry', () => {
  let chain: Awaited<ReturnType<typeof startOfflineChain>>;
  const [first = '', second = ''] = SANDBOX_STORE_HASHES;

  beforeEach(async () => {
    chain = await startOfflineChain({ handlers: { 'store/category/updated': () => undefined } });
  }, 60_000);

  afterEach(async () => {
    await chain?.stop();
  });

  it('lists two provisioned sandbox stores, and only the other one after a teardown', async () => {
    // Prepare
    for (const storeHash of [first, second]) {
      expect((await chain.request('POST', '/provision', { storeHash })).status).toBe(200);
    }

    // Act
    const both = await chain.request('GET', '/provision');
    const removed = await chain.request('DELETE', `/provision/${first}`);
    const left = await chain.request('GET', '/provision');

    // Assess
    const listed = both.body as Listed;
    expect(both.status).toBe(200);
    expect(listed.stores.map((store) => store.storeHash).sort()).toEqual([first, second].sort());
    expect(listed.stores.map((store) => store.lastRun?.outcome)).toEqual(['converged', 'converged']);
    expect(listed.stores[0]?.desired.scopes).toEqual(['store/category/updated']);
    expect(removed.status).toBe(200);
    expect((left.body as Listed).stores.map((store) => store.storeHash)).toEqual([second]);
  });
});
