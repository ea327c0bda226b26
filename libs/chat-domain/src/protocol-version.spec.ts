import { eventForVersion, supportsIdleTimeExpire, supportsMonitoredFlag } from './protocol-version';
import { agent, customer, errorCode, join, startChat } from './test/helpers';
import type { ChatEvent, NoticeEvent, NoticeType, Participant } from './types';

/**
 * One session with an event of every versioned feature, read by agents of every client version:
 * eventIds 1 customer joins, 2..7 the six viewer agents join, then the events below.
 */
function everyFeature() {
  const chat = startChat({ creator: customer({ nickname: 'John', userData: { FirstName: 'John' } }) });
  const { session } = chat;
  const c = chat.customer;
  const viewers = new Map<number, Participant>();
  for (const v of [101, 102, 103, 104, 105, 106]) viewers.set(v, join(session, agent(`V${v}`, { clientVersion: v, userData: { Skill: 's' } })));
  const one = (change: { events: ChatEvent[] }) => change.events[0].eventId;
  const sys = session.join({ userType: 'SYSTEM', protocol: 'NONE', nickname: 'system', clientVersion: 106 });
  const ev = {
    plainMessage: one(session.message(c.userId, { text: 'hello' })),
    typing: one(session.notice(c.userId, { noticeType: 'TYPING_STARTED', text: 'he' })),
    nick: one(session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'Johnny' })),
    systemJoin: sys.change.events[0].eventId,
    systemMessage: one(session.message(sys.participant.userId, { text: 'system says' })),
    sysCommand: one(session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '8' } })),
    customWithData: one(session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: 'c', userData: { k: 'v' } })),
    messageWithData: one(session.message(c.userId, { text: 'm', userData: { k: 'v' } })),
    richMessage: one(session.message(c.userId, { text: 'fallback', eventAttributes: { 'general-properties': { 'related-event-id': '1' } } })),
    leaverJoin: one(session.join(agent('Leaver')).change),
    leaverLeft: 0,
  };
  ev.leaverLeft = one(session.leave(session.state.transcript[session.state.transcript.length - 1].userId, 'KEEP_ALIVE'));
  const view = (version: number) => session.eventsFor(viewers.get(version)?.userId ?? '');
  const find = (version: number, eventId: number) => view(version).find((e) => e.eventId === eventId);
  return { session, c, viewers, ev, view, find };
}

describe('protocol versions (ClientVersion) in eventsFor', () => {
  it('101 gets no USER_UPDATE_NICK; 102 and later do', () => {
    const { ev, find } = everyFeature();
    expect(find(101, ev.nick)).toBeUndefined();
    for (const v of [102, 103, 104, 105, 106]) expect(find(v, ev.nick)).toMatchObject({ noticeType: 'USER_UPDATE_NICK', text: 'Johnny' });
  });

  it('below 103 no events of SYSTEM actors; 103 and later see them', () => {
    const { ev, find } = everyFeature();
    for (const v of [101, 102]) {
      expect(find(v, ev.systemJoin)).toBeUndefined();
      expect(find(v, ev.systemMessage)).toBeUndefined();
    }
    for (const v of [103, 104, 105, 106]) {
      expect(find(v, ev.systemJoin)).toMatchObject({ kind: 'newParty', userType: 'SYSTEM' });
      expect(find(v, ev.systemMessage)).toMatchObject({ kind: 'message', text: 'system says' });
    }
  });

  it('below 104 no SYS_COMMAND notices; 104 and later get them with their user data', () => {
    const { ev, find } = everyFeature();
    for (const v of [101, 102, 103]) expect(find(v, ev.sysCommand)).toBeUndefined();
    for (const v of [104, 105, 106]) expect(find(v, ev.sysCommand)).toMatchObject({ noticeType: 'SYS_COMMAND', userData: { 'last-event-id': '8' } });
  });

  it('below 104 notices come without user data (other events keep theirs)', () => {
    const { ev, find, c } = everyFeature();
    for (const v of [101, 102, 103]) {
      const custom = find(v, ev.customWithData);
      expect(custom).toMatchObject({ kind: 'notice', noticeType: 'USER_CUSTOM', text: 'c' });
      expect(custom && 'userData' in custom).toBe(false);
      expect(find(v, ev.messageWithData)?.userData).toEqual({ k: 'v' });
      expect(find(v, 1)?.userData).toEqual({ FirstName: 'John', GCTI_Original_Nickname: 'John' });
      expect(find(v, 1)?.userId).toBe(c.userId);
    }
    for (const v of [104, 105, 106]) expect(find(v, ev.customWithData)?.userData).toEqual({ k: 'v' });
  });

  it('below 106 no eventAttributes on any event; 106 gets them', () => {
    const { ev, find, view } = everyFeature();
    for (const v of [101, 102, 103, 104, 105]) {
      expect(view(v).some((e) => 'eventAttributes' in e)).toBe(false);
      expect(find(v, ev.richMessage)).toMatchObject({ kind: 'message', text: 'fallback' });
      expect(find(v, ev.leaverLeft)).toMatchObject({ kind: 'partyLeft', quitReasonCode: '0' });
    }
    expect(find(106, ev.richMessage)?.eventAttributes).toEqual({ 'general-properties': { 'related-event-id': '1' } });
    expect(find(106, ev.leaverLeft)?.eventAttributes).toEqual({ GCTI_SYSTEM: { 'quit-reason-code': '0' } });
  });

  it('106 gets everything an agent may see, exactly as stored', () => {
    const { session, view } = everyFeature();
    expect(view(106)).toEqual(session.state.transcript);
    // and not copies: the version filter does not touch events it leaves alone
    expect(view(106)[0]).toBe(session.state.transcript[0]);
  });

  it('each version sees exactly the expected events', () => {
    const { ev, view } = everyFeature();
    const base = [1, 2, 3, 4, 5, 6, 7, ev.plainMessage, ev.typing, ev.customWithData, ev.messageWithData, ev.richMessage, ev.leaverJoin, ev.leaverLeft];
    const idsOf = (v: number) => view(v).map((e) => e.eventId);
    const sorted = (list: number[]) => [...list].sort((x, y) => x - y);
    expect(idsOf(101)).toEqual(sorted(base));
    expect(idsOf(102)).toEqual(sorted([...base, ev.nick]));
    expect(idsOf(103)).toEqual(sorted([...base, ev.nick, ev.systemJoin, ev.systemMessage]));
    expect(idsOf(104)).toEqual(sorted([...base, ev.nick, ev.systemJoin, ev.systemMessage, ev.sysCommand]));
    expect(idsOf(105)).toEqual(idsOf(104));
    expect(idsOf(106)).toEqual(idsOf(104));
  });

  it('stripping for an old reader does not change the stored transcript', () => {
    const { session, ev, view } = everyFeature();
    const before = structuredClone(session.state.transcript);
    view(101);
    view(103);
    expect(session.state.transcript).toEqual(before);
    expect(session.state.transcript.find((e) => e.eventId === ev.customWithData)?.userData).toEqual({ k: 'v' });
  });
});

describe('eventForVersion', () => {
  const notice = (noticeType: NoticeType, extra: Partial<NoticeEvent> = {}): NoticeEvent => ({
    kind: 'notice',
    noticeType,
    text: '',
    position: 3,
    eventId: 4,
    at: 0,
    userId: 'U',
    nickname: 'n',
    visibility: 'ALL',
    ...extra,
  });

  it.each(['IDLE_CONTROL_ALERT', 'IDLE_CONTROL_CLOSE', 'IDLE_CONTROL_SET'] as const)('%s is hidden below 103 and shown from 103', (type) => {
    for (const v of [101, 102]) expect(eventForVersion(notice(type), 'SYSTEM', v)).toBeUndefined();
    for (const v of [101, 102]) expect(eventForVersion(notice(type), 'EXTERNAL', v)).toBeUndefined();
    for (const v of [103, 104, 105, 106]) expect(eventForVersion(notice(type), 'SYSTEM', v)).toMatchObject({ noticeType: type });
  });

  it('events of any non-SYSTEM actor type are kept for 101', () => {
    for (const actor of ['CLIENT', 'AGENT', 'SUPERVISOR', 'EXTERNAL'] as const) expect(eventForVersion(notice('TYPING_STARTED'), actor, 101)).toBeDefined();
    expect(eventForVersion(notice('TYPING_STARTED'), 'SYSTEM', 101)).toBeUndefined();
  });

  it('strips notice userData below 104 and eventAttributes below 106, on a copy', () => {
    const original = notice('USER_CUSTOM', { userData: { a: '1' }, eventAttributes: { b: '2' } });
    const at103 = eventForVersion(original, 'AGENT', 103);
    expect(at103).toEqual(notice('USER_CUSTOM'));
    const at105 = eventForVersion(original, 'AGENT', 105);
    expect(at105).toEqual(notice('USER_CUSTOM', { userData: { a: '1' } }));
    expect(eventForVersion(original, 'AGENT', 106)).toBe(original);
    expect(original).toEqual(notice('USER_CUSTOM', { userData: { a: '1' }, eventAttributes: { b: '2' } }));
  });

  it('feature flags: monitored from 105, idleTimeExpire from 103', () => {
    expect([101, 102, 103, 104, 105, 106].map(supportsMonitoredFlag)).toEqual([false, false, false, false, true, true]);
    expect([101, 102, 103, 104, 105, 106].map(supportsIdleTimeExpire)).toEqual([false, false, true, true, true, true]);
  });
});

describe('client version at join', () => {
  it.each([100, 107, 0, -101, 101.5, Number.NaN, Number.POSITIVE_INFINITY])('%s is rejected with INVALID_CLIENT_VERSION', (clientVersion) => {
    const { session } = startChat();
    expect(errorCode(() => session.join(agent('A', { clientVersion })))).toBe('INVALID_CLIENT_VERSION');
    expect(session.state.participants).toHaveLength(1);
    expect(errorCode(() => startChat({ creator: customer({ clientVersion }) }))).toBe('INVALID_CLIENT_VERSION');
  });

  it.each([101, 102, 103, 104, 105, 106])('%s is accepted and recorded in the newParty event', (clientVersion) => {
    const { session } = startChat();
    const { participant, change } = session.join(agent('A', { clientVersion }));
    expect(participant.clientVersion).toBe(clientVersion);
    expect(change.events[0]).toMatchObject({ kind: 'newParty', clientVersion });
  });

  it('no version means 101, the base protocol', () => {
    const { session, customer: c } = startChat();
    const { participant } = session.join({ userType: 'AGENT', protocol: 'BASIC', nickname: 'Old' });
    expect(participant.clientVersion).toBe(101);
    session.notice(c.userId, { noticeType: 'USER_UPDATE_NICK', text: 'New' });
    expect(session.eventsFor(participant.userId).some((e) => e.kind === 'notice')).toBe(false);
  });
});
