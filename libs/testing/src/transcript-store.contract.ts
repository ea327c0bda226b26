import { randomUUID } from 'node:crypto';
import type { SessionState } from '@ocs/chat-domain';
import { OwnershipLostError, type OwnershipStore, type TranscriptStore } from '@ocs/ports';
import { eachTest } from './fixture';

function sampleState(id: string, text: string): SessionState {
  return {
    id,
    createdAt: 1_700_000_000_000,
    status: 'ALIVE',
    participants: [
      {
        userId: '00000000000000A1',
        partyNumber: 1,
        userType: 'CLIENT',
        nickname: 'Ann 😀',
        visibility: 'ALL',
        protocol: 'FLEX',
        clientVersion: 106,
        isBot: false,
        secureKey: 'k1',
        present: true,
        joinedAt: 1_700_000_000_000,
        joinPosition: 0,
        lastRequestAt: 1_700_000_000_000,
        attachments: 0,
        // The client message ids the party named its messages by: a node restoring the session must know them.
        sentMessageIds: [{ id: 'client-7 ~!', position: 1 }],
      },
    ],
    transcript: [
      {
        kind: 'newParty',
        position: 0,
        eventId: 1,
        at: 1_700_000_000_000,
        userId: '00000000000000A1',
        nickname: 'Ann 😀',
        visibility: 'ALL',
        userType: 'CLIENT',
        protocol: 'FLEX',
        clientVersion: 106,
      },
      {
        kind: 'message',
        position: 1,
        eventId: 2,
        at: 1_700_000_000_500,
        userId: '00000000000000A1',
        nickname: 'Ann 😀',
        visibility: 'ALL',
        text,
        eventAttributes: { 'general-properties': { 'related-event-id': '1' } },
      },
    ],
    userData: { EmailAddress: 'ann@example.com' },
    nextEventId: 3,
  };
}

/** The behaviour every TranscriptStore adapter must show; run it against each adapter and its real server. */
export function transcriptStoreContract(name: string, create: () => Promise<{ store: TranscriptStore; close?: () => Promise<void> }>): void {
  describe(`TranscriptStore contract: ${name}`, () => {
    let store: TranscriptStore;
    eachTest(create, (fixture) => ({ store } = fixture));

    it('returns what was saved, Unicode and nesting intact', async () => {
      const state = sampleState('S-roundtrip-1', 'héllo 👋🏽 مرحبا 你好');
      await store.save(state);
      expect(await store.load(state.id)).toEqual(state);
    });

    it('returns undefined for a session never saved', async () => {
      expect(await store.load('S-never-saved')).toBeUndefined();
    });

    it('keeps the latest save and is not changed by later edits of the saved object', async () => {
      const state = sampleState('S-latest-1', 'first');
      await store.save(state);
      state.transcript.push({ ...state.transcript[1], position: 2, eventId: 3, text: 'second' });
      state.nextEventId = 4;
      const expected = structuredClone(state);
      await store.save(state);
      state.transcript.length = 0;
      expect(await store.load(state.id)).toEqual(expected);
    });

    it('keeps sessions apart and removes one without touching another', async () => {
      await store.save(sampleState('S-a', 'a'));
      await store.save(sampleState('S-b', 'b'));
      await store.remove('S-a');
      expect(await store.load('S-a')).toBeUndefined();
      expect((await store.load('S-b'))?.transcript[1]).toMatchObject({ text: 'b' });
    });
  });
}

/**
 * Saves fenced by the owner: what a TranscriptStore and the OwnershipStore of the same storage must show together,
 * so that a node that lost a session can never overwrite what its new owner loaded and goes on from.
 */
export function fencedTranscriptStoreContract(
  name: string,
  create: () => Promise<{ store: (nodeId: string) => TranscriptStore; ownership: OwnershipStore; close?: () => Promise<void> }>,
): void {
  describe(`TranscriptStore fenced by OwnershipStore contract: ${name}`, () => {
    let store: (nodeId: string) => TranscriptStore;
    let ownership: OwnershipStore;
    eachTest(create, (fixture) => ({ store, ownership } = fixture));

    it('writes a save fenced by the owner', async () => {
      const state = sampleState(`S-fenced-${randomUUID()}`, 'owned');
      await ownership.claim(state.id, 'node-a');
      await store('node-a').save(state, 'node-a');
      expect(await store('node-b').load(state.id)).toEqual(state);
    });

    it('refuses a save of a node that lost the session, keeping what the owner saved, and takes the new owner’s', async () => {
      const id = `S-lost-${randomUUID()}`;
      await ownership.claim(id, 'node-a');
      await store('node-a').save(sampleState(id, 'before the move'), 'node-a');
      await ownership.claim(id, 'node-b', 'node-a');
      const refused = await store('node-a')
        .save(sampleState(id, 'from the old owner'), 'node-a')
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).toBeInstanceOf(OwnershipLostError);
      expect(refused).toMatchObject({ sessionId: id, nodeId: 'node-a', owner: 'node-b' });
      expect((await store('node-b').load(id))?.transcript[1]).toMatchObject({ text: 'before the move' });
      await store('node-b').save(sampleState(id, 'from the new owner'), 'node-b');
      expect((await store('node-a').load(id))?.transcript[1]).toMatchObject({ text: 'from the new owner' });
    });

    it('refuses a fenced save of a session nobody owns', async () => {
      const state = sampleState(`S-unowned-${randomUUID()}`, 'nobody');
      await expect(store('node-a').save(state, 'node-a')).rejects.toBeInstanceOf(OwnershipLostError);
      expect(await store('node-a').load(state.id)).toBeUndefined();
    });
  });
}
