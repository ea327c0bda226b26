import { randomUUID } from 'node:crypto';
import type { Ownership, OwnershipStore } from '@ocs/ports';
import { eachTest } from './fixture';

/** A session id no other test (nor an earlier run against the same server) used. */
function newSessionId(): string {
  return `S-${randomUUID()}`;
}

/**
 * The behaviour every OwnershipStore adapter must show; run it against each adapter and its real server.
 * A claim is a compare-and-set on the owner the claimer saw: of nodes racing for a session, exactly one wins,
 * and every claimer and reader afterwards sees that one owner.
 */
export function ownershipStoreContract(name: string, create: () => Promise<{ store: OwnershipStore; close?: () => Promise<void> }>): void {
  describe(`OwnershipStore contract: ${name}`, () => {
    let store: OwnershipStore;
    eachTest(create, (fixture) => ({ store } = fixture));

    it('answers the claiming node, with the time of the claim', async () => {
      const sessionId = newSessionId();
      const before = Date.now();
      const claim = await store.claim(sessionId, 'node-a');
      const after = Date.now();
      expect(claim?.nodeId).toBe('node-a');
      expect(claim?.since).toBeGreaterThanOrEqual(before - 1000);
      expect(claim?.since).toBeLessThanOrEqual(after + 1000);
      expect(await store.owner(sessionId)).toEqual(claim);
    });

    it('hands a session over only from the owner the claimer saw', async () => {
      const sessionId = newSessionId();
      const first = await store.claim(sessionId, 'node-a');
      const second = await store.claim(sessionId, 'node-b', 'node-a');
      expect(second?.nodeId).toBe('node-b');
      expect(second?.since).toBeGreaterThanOrEqual(first?.since ?? 0);
      expect(await store.owner(sessionId)).toEqual(second);
      expect(await store.claim(sessionId, 'node-c', 'node-a')).toEqual(second);
      expect(await store.claim(sessionId, 'node-c')).toEqual(second);
      expect(await store.owner(sessionId)).toEqual(second);
    });

    it('ends racing claims with exactly one owner that every claimer and reader sees', async () => {
      const races = Array.from({ length: 10 }, () => newSessionId());
      await Promise.all(
        races.map(async (sessionId) => {
          await store.claim(sessionId, 'node-a');
          const claims = await Promise.all(['node-b', 'node-c', 'node-d'].map((node) => store.claim(sessionId, node, 'node-a')));
          const readers = await Promise.all(Array.from({ length: 4 }, () => store.owner(sessionId)));
          const winner = readers[0] as Ownership;
          expect(['node-b', 'node-c', 'node-d']).toContain(winner.nodeId);
          for (const seen of [...readers, ...claims]) expect(seen).toEqual(winner);
        }),
      );
    });

    it('keeps sessions apart', async () => {
      const [one, two] = [newSessionId(), newSessionId()];
      await store.claim(one, 'node-a');
      await store.claim(two, 'node-b');
      expect((await store.owner(one))?.nodeId).toBe('node-a');
      expect((await store.owner(two))?.nodeId).toBe('node-b');
    });

    it('forgets a removed session, which a later first claim takes afresh', async () => {
      const [removed, kept] = [newSessionId(), newSessionId()];
      await store.claim(removed, 'node-a');
      await store.claim(removed, 'node-b', 'node-a');
      await store.claim(kept, 'node-a');
      await store.remove(removed);
      expect(await store.owner(removed)).toBeUndefined();
      expect((await store.owner(kept))?.nodeId).toBe('node-a');
      expect(await store.claim(removed, 'node-c', 'node-b')).toBeUndefined();
      expect((await store.claim(removed, 'node-a'))?.nodeId).toBe('node-a');
    });

    it('answers undefined for a session never claimed, and removing it is harmless', async () => {
      const sessionId = newSessionId();
      expect(await store.owner(sessionId)).toBeUndefined();
      await store.remove(sessionId);
      expect(await store.owner(sessionId)).toBeUndefined();
    });
  });
}
