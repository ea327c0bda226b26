import type { InteractionServer, SubmitRequest } from '@ocs/ports';
import { eachTest } from './fixture';

function sampleRequest(sessionId: string, properties: SubmitRequest['properties'] = { IsOnline: '1', ChatServerAppName: 'ChatServer' }): SubmitRequest {
  return { tenantDbid: 101, queue: 'chat-inbound', mediaType: 'chat', sessionId, properties };
}

/**
 * The behaviour every InteractionServer adapter must show; run it against each adapter and its real server.
 * `stopExternally` stops an interaction the way routing (or a desktop) would, so the chat server hears of it.
 */
export function interactionServerContract(
  name: string,
  create: () => Promise<{ server: InteractionServer; stopExternally: (interactionId: string) => Promise<void>; close?: () => Promise<void> }>,
): void {
  describe(`InteractionServer contract: ${name}`, () => {
    let server: InteractionServer;
    let stopExternally: (interactionId: string) => Promise<void>;
    eachTest(create, (fixture) => ({ server, stopExternally } = fixture));

    it('submits an interaction under a new id, queued with what was submitted', async () => {
      const before = Date.now();
      const { interactionId } = await server.submit(sampleRequest('S-submit-1'));
      const other = await server.submit(sampleRequest('S-submit-2'));
      expect(other.interactionId).not.toBe(interactionId);
      const info = await server.get(interactionId);
      expect(info).toMatchObject({
        interactionId,
        tenantDbid: 101,
        queue: 'chat-inbound',
        sessionId: 'S-submit-1',
        properties: { IsOnline: '1', ChatServerAppName: 'ChatServer' },
        state: 'queued',
      });
      expect(info?.submittedAt).toBeGreaterThanOrEqual(before - 1000);
    });

    it("finds a session's interaction by the session, and none for a session never submitted", async () => {
      const { interactionId } = await server.submit(sampleRequest('S-of-1'));
      expect(await server.interactionOf('S-of-1')).toBe(interactionId);
      expect(await server.interactionOf('S-of-never')).toBeUndefined();
    });

    it('answers the same interaction when a session is submitted again, even once stopped, ignoring the repeat', async () => {
      const { interactionId } = await server.submit(sampleRequest('S-again-1'));
      const repeat = sampleRequest('S-again-1', { IsOnline: '0', Extra: 'x' });
      expect(await server.submit({ ...repeat, queue: 'elsewhere' })).toEqual({ interactionId });
      const info = await server.get(interactionId);
      expect(info).toMatchObject({ queue: 'chat-inbound', state: 'queued' });
      expect(info?.properties).toEqual({ IsOnline: '1', ChatServerAppName: 'ChatServer' });
      await server.stop(interactionId, 'abandoned');
      expect(await server.submit(repeat)).toEqual({ interactionId });
      expect((await server.get(interactionId))?.state).toBe('stopped');
    });

    it('merges property updates: adds and replaces keys, keeps the others', async () => {
      const { interactionId } = await server.submit(sampleRequest('S-update-1'));
      await server.updateProperties(interactionId, { IsOnline: '0', GCTI_Chat_AsyncStatus: '1' });
      expect((await server.get(interactionId))?.properties).toEqual({ IsOnline: '0', ChatServerAppName: 'ChatServer', GCTI_Chat_AsyncStatus: '1' });
    });

    it('refuses to update an unknown interaction, naming it', async () => {
      await expect(server.updateProperties('0000000000000000', { IsOnline: '0' })).rejects.toThrow('0000000000000000');
    });

    it('is not changed by later edits of what was submitted or returned', async () => {
      const request = sampleRequest('S-copies-1');
      const { interactionId } = await server.submit(request);
      request.properties.IsOnline = 'edited';
      const info = await server.get(interactionId);
      if (info) info.properties.IsOnline = 'edited too';
      expect((await server.get(interactionId))?.properties.IsOnline).toBe('1');
    });

    it('stops an interaction for the chat server without telling the chat server; stopping twice is harmless', async () => {
      const stopped = jest.fn();
      server.onStopped(stopped);
      const { interactionId } = await server.submit(sampleRequest('S-stop-1'));
      await server.stop(interactionId, 'abandoned');
      await server.stop(interactionId, 'abandoned');
      expect((await server.get(interactionId))?.state).toBe('stopped');
      expect(stopped).not.toHaveBeenCalled();
    });

    it('tells every onStopped handler once when someone else stops an interaction', async () => {
      const first = jest.fn();
      const second = jest.fn(async () => undefined);
      server.onStopped(first);
      server.onStopped(second);
      const { interactionId } = await server.submit(sampleRequest('S-external-1'));
      await stopExternally(interactionId);
      expect(first.mock.calls).toEqual([[interactionId]]);
      expect(second.mock.calls).toEqual([[interactionId]]);
      expect((await server.get(interactionId))?.state).toBe('stopped');
    });

    it('returns undefined for an interaction never submitted', async () => {
      expect(await server.get('0000000000000000')).toBeUndefined();
    });

    it('keeps Unicode property values intact', async () => {
      const properties = { FirstName: 'Zoë 😀', Subject: 'مرحبا 你好 👋🏽', Empty: '' };
      const { interactionId } = await server.submit(sampleRequest('S-unicode-1', properties));
      await server.updateProperties(interactionId, { LastName: 'Ñúñez ✓' });
      expect((await server.get(interactionId))?.properties).toEqual({ ...properties, LastName: 'Ñúñez ✓' });
    });
  });
}
