import type { ChatSession } from './session';
import { agent, customer, errorCode, ids, join, startChat, supervisor } from './test/helpers';
import type { ChatEvent, Participant, UserType, Visibility } from './types';
import { allowedVisibilities, isVisibleTo, mayUseVisibility } from './visibility';

const ALL_LEVELS: Visibility[] = ['ALL', 'INT', 'VIP'];

describe('which visibility each user type may use', () => {
  const allowed: Record<UserType, Visibility[]> = {
    CLIENT: ['ALL'],
    AGENT: ['ALL', 'INT'],
    SUPERVISOR: ['ALL', 'INT', 'VIP'],
    EXTERNAL: ['ALL', 'INT', 'VIP'],
    SYSTEM: ['ALL', 'INT', 'VIP'],
  };

  it.each(Object.entries(allowed))('%s may use exactly %j', (userType, levels) => {
    expect([...allowedVisibilities(userType as UserType)]).toEqual(levels);
    for (const level of ALL_LEVELS) expect(mayUseVisibility(userType as UserType, level)).toBe(levels.includes(level));
  });

  const cases: Array<[string, () => Parameters<ChatSession['join']>[0], Visibility, boolean]> = [
    ['CLIENT', () => customer({ nickname: 'C2' }), 'ALL', true],
    ['CLIENT', () => customer({ nickname: 'C2' }), 'INT', false],
    ['CLIENT', () => customer({ nickname: 'C2' }), 'VIP', false],
    ['AGENT', () => agent(), 'ALL', true],
    ['AGENT', () => agent(), 'INT', true],
    ['AGENT', () => agent(), 'VIP', false],
    ['SUPERVISOR', () => supervisor('S', 'ALL'), 'ALL', true],
    ['SUPERVISOR', () => supervisor('S', 'ALL'), 'INT', true],
    ['SUPERVISOR', () => supervisor('S', 'ALL'), 'VIP', true],
  ];

  it.each(cases)('a %s joining with %s: allowed=%s', (_type, request, visibility, ok) => {
    const { session } = startChat();
    const code = errorCode(() => session.join({ ...request(), visibility }));
    expect(code).toBe(ok ? 'NO ERROR' : 'INVALID_VISIBILITY');
    expect(session.state.participants).toHaveLength(ok ? 2 : 1);
    expect(session.state.transcript).toHaveLength(ok ? 2 : 1);
  });

  it.each(cases)('a %s sending with %s: allowed=%s', (_type, request, visibility, ok) => {
    const { session } = startChat();
    const sender = join(session, { ...request(), visibility: 'ALL' });
    const before = session.state.transcript.length;
    expect(errorCode(() => session.message(sender.userId, { text: 'x', visibility }))).toBe(ok ? 'NO ERROR' : 'INVALID_VISIBILITY');
    expect(errorCode(() => session.notice(sender.userId, { noticeType: 'TYPING_STARTED', visibility }))).toBe(ok ? 'NO ERROR' : 'INVALID_VISIBILITY');
    expect(session.state.transcript).toHaveLength(before + (ok ? 2 : 0));
  });

  it('an unknown visibility is rejected with INVALID_VISIBILITY, at join and when sending', () => {
    const { session, customer: c } = startChat();
    for (const bad of ['all', 'PRIVATE', '', 'VIP ']) {
      expect(errorCode(() => session.join(supervisor('S', bad as Visibility)))).toBe('INVALID_VISIBILITY');
      expect(errorCode(() => session.message(c.userId, { text: 'x', visibility: bad as Visibility }))).toBe('INVALID_VISIBILITY');
      expect(errorCode(() => session.notice(c.userId, { noticeType: 'USER_CUSTOM', text: 'x', visibility: bad as Visibility }))).toBe('INVALID_VISIBILITY');
    }
    expect(session.state.transcript).toHaveLength(1);
  });

  it('the creator is held to the same rule', () => {
    expect(errorCode(() => startChat({ creator: customer({ visibility: 'INT' }) }))).toBe('INVALID_VISIBILITY');
    expect(errorCode(() => startChat({ creator: agent('Out', { visibility: 'VIP' }) }))).toBe('INVALID_VISIBILITY');
  });
});

describe('who sees what', () => {
  /** customer, agent (ALL), coaching supervisor (INT), monitoring supervisor (VIP), and one message of each level. */
  function conference() {
    const chat = startChat();
    const { session } = chat;
    const c = chat.customer;
    const a = join(session, agent('Agent'));
    const coach = join(session, supervisor('Coach', 'INT'));
    const monitor = join(session, supervisor('Monitor', 'VIP'));
    const pos = (e: ChatEvent[]) => e[0].eventId;
    const msg = {
      customerAll: pos(session.message(c.userId, { text: 'hello' }).events),
      agentAll: pos(session.message(a.userId, { text: 'hi, how can I help?' }).events),
      agentInt: pos(session.message(a.userId, { text: 'psst, coach?', visibility: 'INT' }).events),
      coachDefault: pos(session.message(coach.userId, { text: 'offer the discount' }).events),
      monitorDefault: pos(session.message(monitor.userId, { text: 'noted for QA' }).events),
      monitorInt: pos(session.message(monitor.userId, { text: 'to agents', visibility: 'INT' }).events),
      monitorAll: pos(session.message(monitor.userId, { text: 'barge-in', visibility: 'ALL' }).events),
    };
    const joined = (p: Participant) => session.state.transcript[p.joinPosition].eventId;
    return { session, c, a, coach, monitor, msg, joined };
  }

  it('messages default to the sender join visibility, and an explicit one overrides it', () => {
    const { session, msg } = conference();
    const level = (eventId: number) => session.state.transcript.find((e) => e.eventId === eventId)?.visibility;
    expect(level(msg.customerAll)).toBe('ALL');
    expect(level(msg.agentAll)).toBe('ALL');
    expect(level(msg.agentInt)).toBe('INT');
    expect(level(msg.coachDefault)).toBe('INT');
    expect(level(msg.monitorDefault)).toBe('VIP');
    expect(level(msg.monitorInt)).toBe('INT');
    expect(level(msg.monitorAll)).toBe('ALL');
  });

  it('notices default to the sender join visibility too', () => {
    const { session, monitor, coach } = conference();
    expect(session.notice(monitor.userId, { noticeType: 'TYPING_STARTED' }).events[0].visibility).toBe('VIP');
    expect(session.notice(coach.userId, { noticeType: 'TYPING_STARTED' }).events[0].visibility).toBe('INT');
  });

  it('newParty events carry the join visibility of the party', () => {
    const { session, c, a, coach, monitor } = conference();
    const t = session.state.transcript;
    expect([c, a, coach, monitor].map((p) => t[p.joinPosition].visibility)).toEqual(['ALL', 'ALL', 'INT', 'VIP']);
  });

  it('a customer never sees INT or VIP events, including the newParty of a coaching or monitoring supervisor', () => {
    const { session, c, a, msg, joined } = conference();
    expect(ids(session.eventsFor(c.userId))).toEqual([joined(c), joined(a), msg.customerAll, msg.agentAll, msg.monitorAll]);
    expect(session.eventsFor(c.userId).every((e) => e.visibility === 'ALL')).toBe(true);
  });

  it('an agent sees ALL and INT events but not VIP ones', () => {
    const { session, c, a, coach, msg, joined } = conference();
    expect(ids(session.eventsFor(a.userId))).toEqual([
      joined(c),
      joined(a),
      joined(coach),
      msg.customerAll,
      msg.agentAll,
      msg.agentInt,
      msg.coachDefault,
      msg.monitorInt,
      msg.monitorAll,
    ]);
  });

  it('a coaching supervisor still sees everything, VIP included (visibility is by user type)', () => {
    const { session, coach } = conference();
    expect(ids(session.eventsFor(coach.userId))).toEqual(ids(session.state.transcript));
  });

  it('a monitoring supervisor sees every event', () => {
    const { session, monitor } = conference();
    expect(ids(session.eventsFor(monitor.userId))).toEqual(ids(session.state.transcript));
    expect(session.state.transcript).toHaveLength(11);
  });

  it('the customer does not see a coaching or monitoring supervisor leave either', () => {
    const { session, c, a, coach, monitor } = conference();
    const before = ids(session.eventsFor(c.userId));
    const coachLeft = session.leave(coach.userId, 'KEEP_ALIVE').events[0];
    const monitorLeft = session.leave(monitor.userId, 'KEEP_ALIVE').events[0];
    expect(coachLeft.visibility).toBe('INT');
    expect(monitorLeft.visibility).toBe('VIP');
    expect(ids(session.eventsFor(c.userId))).toEqual(before);
    const agentView = ids(session.eventsFor(a.userId));
    expect(agentView).toContain(coachLeft.eventId);
    expect(agentView).not.toContain(monitorLeft.eventId);
  });

  it('isMonitored() is true only while a VIP supervisor is present', () => {
    const { session, customer: c } = startChat();
    expect(session.isMonitored()).toBe(false);
    join(session, agent());
    const coach = join(session, supervisor('Coach', 'INT'));
    const conf = join(session, supervisor('Conf', 'ALL'));
    expect(session.isMonitored()).toBe(false);
    const monitor = join(session, supervisor('Monitor', 'VIP'));
    expect(session.isMonitored()).toBe(true);
    // sending at another level does not change the party's own visibility
    session.message(monitor.userId, { text: 'barge-in', visibility: 'ALL' });
    expect(session.isMonitored()).toBe(true);
    session.leave(coach.userId, 'KEEP_ALIVE');
    session.leave(conf.userId, 'KEEP_ALIVE');
    expect(session.isMonitored()).toBe(true);
    session.leave(monitor.userId, 'KEEP_ALIVE');
    expect(session.isMonitored()).toBe(false);
    expect(session.participant(c.userId)?.present).toBe(true);
  });

  it('a monitoring supervisor removed by the system no longer monitors', () => {
    const { session } = startChat();
    join(session, agent());
    const monitor = join(session, supervisor('Monitor', 'VIP'));
    expect(session.isMonitored()).toBe(true);
    session.removeBySystem(monitor.userId, '5');
    expect(session.isMonitored()).toBe(false);
  });
});

describe('isVisibleTo', () => {
  const viewer = (userType: UserType, extra: Partial<Participant> = {}): Participant => ({
    userId: 'V',
    partyNumber: 1,
    userType,
    nickname: 'v',
    visibility: 'ALL',
    protocol: 'BASIC',
    clientVersion: 106,
    isBot: false,
    secureKey: 'k',
    present: true,
    joinedAt: 0,
    joinPosition: 0,
    lastRequestAt: 0,
    attachments: 0,
    ...extra,
  });
  const event = (visibility: Visibility, extra: Partial<ChatEvent> = {}): ChatEvent =>
    ({
      kind: 'message',
      text: 't',
      position: 5,
      eventId: 6,
      at: 0,
      userId: 'S',
      nickname: 's',
      visibility,
      ...extra,
    }) as ChatEvent;

  it.each([
    ['CLIENT', [true, false, false]],
    ['AGENT', [true, true, false]],
    ['SUPERVISOR', [true, true, true]],
    ['EXTERNAL', [true, true, true]],
    ['SYSTEM', [true, true, true]],
  ] as const)('a %s reader sees ALL/INT/VIP = %j', (userType, expected) => {
    expect(ALL_LEVELS.map((v) => isVisibleTo(event(v), viewer(userType)))).toEqual(expected);
  });

  it('nobody sees an annihilated event', () => {
    expect(isVisibleTo(event('ALL', { annihilated: true }), viewer('SUPERVISOR'))).toBe(false);
  });

  it('a reader that left sees events up to and including its own partyLeft only', () => {
    const left = viewer('AGENT', { present: false, leftPosition: 5 });
    expect(isVisibleTo(event('ALL', { position: 5 }), left)).toBe(true);
    expect(isVisibleTo(event('ALL', { position: 6 }), left)).toBe(false);
  });

  it('a direct event is seen by its sender and receiver only, whatever its level', () => {
    const direct = event('VIP', { receiverId: 'V' });
    expect(isVisibleTo(direct, viewer('CLIENT'))).toBe(true);
    expect(isVisibleTo(direct, viewer('SUPERVISOR', { userId: 'OTHER' }))).toBe(false);
    expect(isVisibleTo(direct, viewer('AGENT', { userId: 'S' }))).toBe(true);
  });
});

describe('direct messages and notices', () => {
  function threeAgents() {
    const chat = startChat();
    const a1 = join(chat.session, agent('A1'));
    const a2 = join(chat.session, agent('A2'));
    const a3 = join(chat.session, agent('A3'));
    const sup = join(chat.session, supervisor('Sup', 'VIP'));
    return { ...chat, a1, a2, a3, sup };
  }

  it('a direct message is seen by its sender and its receiver only', () => {
    const { session, customer: c, a1, a2, a3, sup } = threeAgents();
    const [dm] = session.message(a1.userId, { text: 'can you take over?', receiverId: a2.userId }).events;
    expect(dm).toMatchObject({ kind: 'message', userId: a1.userId, receiverId: a2.userId, visibility: 'ALL', text: 'can you take over?' });
    const sees = (p: Participant) => ids(session.eventsFor(p.userId)).includes(dm.eventId);
    expect(sees(a1)).toBe(true);
    expect(sees(a2)).toBe(true);
    expect(sees(a3)).toBe(false);
    expect(sees(c)).toBe(false);
    expect(sees(sup)).toBe(false);
  });

  it('a direct notice is seen by its sender and its receiver only', () => {
    const { session, customer: c, a1, a2, a3 } = threeAgents();
    const [dn] = session.notice(a1.userId, { noticeType: 'USER_CUSTOM', text: 'ping', receiverId: a2.userId }).events;
    expect(dn).toMatchObject({ kind: 'notice', noticeType: 'USER_CUSTOM', receiverId: a2.userId });
    expect(ids(session.eventsFor(a2.userId))).toContain(dn.eventId);
    expect(ids(session.eventsFor(a1.userId))).toContain(dn.eventId);
    expect(ids(session.eventsFor(a3.userId))).not.toContain(dn.eventId);
    expect(ids(session.eventsFor(c.userId))).not.toContain(dn.eventId);
  });

  it('an agent may send a direct message to the customer; the other agents do not see it', () => {
    const { session, customer: c, a1, a2 } = threeAgents();
    const [dm] = session.message(a1.userId, { text: 'just for you', receiverId: c.userId }).events;
    expect(ids(session.eventsFor(c.userId))).toContain(dm.eventId);
    expect(ids(session.eventsFor(a2.userId))).not.toContain(dm.eventId);
  });

  it('a FLEX party cannot send a direct message or notice (FORBIDDEN)', () => {
    const { session, customer: c, a1 } = threeAgents();
    const before = session.state.transcript.length;
    expect(errorCode(() => session.message(c.userId, { text: 'private', receiverId: a1.userId }))).toBe('FORBIDDEN');
    expect(errorCode(() => session.notice(c.userId, { noticeType: 'TYPING_STARTED', receiverId: a1.userId }))).toBe('FORBIDDEN');
    expect(session.state.transcript).toHaveLength(before);
  });

  it('the receiver must be a present party', () => {
    const { session, a1, a2 } = threeAgents();
    session.leave(a2.userId, 'KEEP_ALIVE');
    const before = session.state.transcript.length;
    expect(errorCode(() => session.message(a1.userId, { text: 'hello?', receiverId: a2.userId }))).toBe('NOT_A_PARTICIPANT');
    expect(errorCode(() => session.message(a1.userId, { text: 'hello?', receiverId: '00000000DEADBEEF' }))).toBe('NOT_A_PARTICIPANT');
    expect(errorCode(() => session.notice(a1.userId, { noticeType: 'TYPING_STARTED', receiverId: a2.userId }))).toBe('NOT_A_PARTICIPANT');
    expect(session.state.transcript).toHaveLength(before);
  });
});
