import type { SessionEventRecord } from '@ocs/contracts';
import { ALL, Script, T0, agent, finalOf, fold } from './test/scripted-session';

/** The guide's table "Chat Session Characteristics". */

function shortChat(userData?: Record<string, string>): Script {
  const s = new Script(userData ? { userData } : {});
  s.at(61.6).leave(s.creator);
  return s;
}

describe('chat session characteristics', () => {
  it('gives the creation and closure times as UTC timestamps to the second, whatever the option', () => {
    // Guide: ChatServerSessionStartedAt / ClosedAt are the session's creation and closure times, always attached.
    for (const attachSessionStatistics of ['none', 'fired', 'all'] as const) {
      const final = finalOf(shortChat(), { attachSessionStatistics });
      expect(final.ChatServerSessionStartedAt).toBe('2026-01-01T09:00:00Z');
      expect(final.ChatServerSessionClosedAt).toBe('2026-01-01T09:01:01Z');
    }
  });

  it('attaches only the four keys the guide always attaches under none', () => {
    // Guide: the timestamps, csg_MediaType and csg_TenantId are always attached; the rest only when the option is not none.
    expect(finalOf(shortChat({ GCTI_LanguageName: 'English', MediaOrigin: 'web' }), { attachSessionStatistics: 'none' })).toEqual({
      ChatServerSessionStartedAt: '2026-01-01T09:00:00Z',
      ChatServerSessionClosedAt: '2026-01-01T09:01:01Z',
      csg_MediaType: 'chat',
      csg_TenantId: '101',
    });
  });

  it('names the chat session, not the interaction, in csg_ChatSessionID when the option is not none', () => {
    // Guide: csg_ChatSessionID is the chat session's id, which may differ from the interaction id.
    expect(finalOf(shortChat(), { attachSessionStatistics: 'fired' }).csg_ChatSessionID).toBe('session-1');
  });

  it('gives csg_LanguageName and csg_MediaOrigin only when the initial user data has them', () => {
    // Guide: attached only if the initial UserData holds GCTI_LanguageName / MediaOrigin (and the option is not none).
    const withBoth = finalOf(shortChat({ GCTI_LanguageName: 'French', MediaOrigin: 'sms' }));
    expect([withBoth.csg_LanguageName, withBoth.csg_MediaOrigin]).toEqual(['French', 'sms']);
    const without = finalOf(shortChat());
    expect(Object.keys(without).filter((k) => k === 'csg_LanguageName' || k === 'csg_MediaOrigin')).toEqual([]);
  });

  it('gives the media type: the session user data MediaType, else the configured one, else chat', () => {
    // Guide: csg_MediaType is the chat interaction's media type, always attached.
    expect(finalOf(shortChat()).csg_MediaType).toBe('chat');
    expect(finalOf(shortChat(), { ...ALL, mediaType: 'webchat' }).csg_MediaType).toBe('webchat');
    expect(finalOf(shortChat({ MediaType: 'sms' }), { ...ALL, mediaType: 'webchat' }).csg_MediaType).toBe('sms');
  });

  it("gives the tenant of the session's service, else the single tenant 1", () => {
    // Guide: csg_TenantId is the session's tenant, always attached.
    expect(finalOf(shortChat()).csg_TenantId).toBe('101');
    const records: SessionEventRecord[] = [
      { type: 'created', sessionId: 's', at: T0, userData: {}, properties: {} },
      { type: 'closed', sessionId: 's', at: T0 + 1000 },
    ];
    expect(fold(records).final?.csg_TenantId).toBe('1');
  });

  it('says whether the session is async in csg_ChatAsyncMode', () => {
    // Guide: csg_ChatAsyncMode is "1" for an async chat session, "0" for a regular one.
    expect(finalOf(shortChat()).csg_ChatAsyncMode).toBe('0');
    expect(finalOf(shortChat({ GCTI_Chat_AsyncMode: 'true' })).csg_ChatAsyncMode).toBe('1');
  });

  it('keeps the descriptions under fired, where zero statistics are left out', () => {
    // Guide: the characteristics are attached whenever the option is not none; fired drops zero statistics only.
    const s = new Script();
    s.at(10);
    const a = s.join(agent('Ann'));
    s.at(20).leave(a, 'FORCE_CLOSE');
    const final = finalOf(s, { attachSessionStatistics: 'fired' });
    expect(final.csg_ChatAsyncMode).toBe('0');
    expect(final.csg_MessagesFromAgentsCount).toBeUndefined();
    expect(final.csg_PartiesAsAgentCount).toBe('1');
  });
});
