import type { RoutingStore } from '@ocs/ports';
import { eachTest } from './fixture';

/** The behaviour every RoutingStore adapter must show; run it against each adapter and its real server. */
export function routingStoreContract(name: string, create: () => Promise<{ store: RoutingStore; close?: () => Promise<void> }>): void {
  describe(`RoutingStore contract: ${name}`, () => {
    let store: RoutingStore;
    eachTest(create, (fixture) => ({ store } = fixture));
    let tenant: string;
    beforeEach(() => {
      tenant = `tenant-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    });

    it('has nothing for a tenant never saved', async () => {
      expect(await store.load(tenant)).toBeUndefined();
    });

    it('saves the first state at revision 1 and each later one a revision up, giving back what was saved', async () => {
      const first = { version: 1, agents: { a1: { ready: true, name: 'Zoë' } }, queue: [] };
      expect(await store.save(tenant, first, 0)).toBe(true);
      expect(await store.load(tenant)).toEqual({ state: first, revision: 1 });
      const second = { version: 1, agents: {}, queue: ['i1', 'i2'] };
      expect(await store.save(tenant, second, 1)).toBe(true);
      expect(await store.load(tenant)).toEqual({ state: second, revision: 2 });
    });

    it('refuses a save naming a revision that is no longer the stored one, keeping the stored state', async () => {
      expect(await store.save(tenant, { n: 1 }, 0)).toBe(true);
      expect(await store.save(tenant, { n: 2 }, 1)).toBe(true);
      expect(await store.save(tenant, { n: 'stale' }, 1)).toBe(false);
      expect(await store.save(tenant, { n: 'first again' }, 0)).toBe(false);
      expect(await store.save(tenant, { n: 'ahead' }, 5)).toBe(false);
      expect(await store.load(tenant)).toEqual({ state: { n: 2 }, revision: 2 });
    });

    it('lets exactly one of many concurrent saves from the same revision win', async () => {
      expect(await store.save(tenant, { by: 'start' }, 0)).toBe(true);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.save(tenant, { by: i }, 1)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.load(tenant)).toEqual({ state: { by: winner }, revision: 2 });
    });

    it('keeps tenants apart', async () => {
      const other = `${tenant}-other`;
      expect(await store.save(tenant, { of: 'one' }, 0)).toBe(true);
      expect(await store.load(other)).toBeUndefined();
      expect(await store.save(other, { of: 'other' }, 0)).toBe(true);
      expect(await store.load(tenant)).toEqual({ state: { of: 'one' }, revision: 1 });
    });
  });
}
