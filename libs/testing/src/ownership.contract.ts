import { randomUUID } from 'node:crypto';
import type { Ownership, OwnershipStore } from '@ocs/ports';
import { eachTest } from './fixture';

/** A session id no other test (nor an earlier run against the same server) used. */
function newSessionId(): string {
  return `S-${randomUUID()}`;
}

/**
 * The behaviour every OwnershipStore adapter must show; run it against each adapter and its real server.
 * A claim answers the owner seen right after it; under a race only the last claim's answer is final, and every
 * reader afterwards sees that one owner.
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
      expect(claim.nodeId).toBe('node-a');
      expect(claim.since).toBeGreaterThanOrEqual(before);
      expect(claim.since).toBeLessThanOrEqual(after);
      expect(await store.owner(sessionId)).toEqual(claim);
    });

    it('gives the session to a later claim and reads the newest claim as the owner', async () => {
      const sessionId = newSessionId();
      const first = await store.claim(sessionId, 'node-a');
      const second = await store.claim(sessionId, 'node-b');
      expect(second.nodeId).toBe('node-b');
      expect(second.since).toBeGreaterThanOrEqual(first.since);
      expect(await store.owner(sessionId)).toEqual(second);
      const third = await store.claim(sessionId, 'node-a');
      expect(third.nodeId).toBe('node-a');
      expect(await store.owner(sessionId)).toEqual(third);
    });

    it('ends racing claims with one owner that every reader sees, the last claim answering it', async () => {
      const races = Array.from({ length: 10 }, () => newSessionId());
      await Promise.all(
        races.map(async (sessionId) => {
          const [a, b] = await Promise.all([store.claim(sessionId, 'node-a'), store.claim(sessionId, 'node-b')]);
          const readers = await Promise.all(Array.from({ length: 4 }, () => store.owner(sessionId)));
          const winner = readers[0] as Ownership;
          expect(['node-a', 'node-b']).toContain(winner.nodeId);
          for (const seen of readers) expect(seen).toEqual(winner);
          expect(winner.nodeId === 'node-a' ? a : b).toEqual(winner);
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

    it('forgets a removed session, which a later claim takes afresh', async () => {
      const [removed, kept] = [newSessionId(), newSessionId()];
      await store.claim(removed, 'node-a');
      await store.claim(removed, 'node-b');
      await store.claim(kept, 'node-a');
      await store.remove(removed);
      expect(await store.owner(removed)).toBeUndefined();
      expect((await store.owner(kept))?.nodeId).toBe('node-a');
      expect((await store.claim(removed, 'node-a')).nodeId).toBe('node-a');
    });

    it('answers undefined for a session never claimed, and removing it is harmless', async () => {
      const sessionId = newSessionId();
      expect(await store.owner(sessionId)).toBeUndefined();
      await store.remove(sessionId);
      expect(await store.owner(sessionId)).toBeUndefined();
    });
  });
}
