import { T0, agent, bot, errorCode, ids, join, quitReason, startChat, supervisor } from '../test/helpers';
import type { MessageEvent, NewPartyEvent, NoticeEvent, PartyLeftEvent } from '../types';

function esp(session: ReturnType<typeof startChat>['session']) {
  return session.state.participants.filter((p) => p.protocol === 'ESP');
}

describe('externalMessage (ESP Message)', () => {
  it('adds an EXTERNAL party (protocol ESP) with the nickname, then the message from it', () => {
    const { ctx, session } = startChat();
    ctx.clock.advance(1000);
    const change = session.externalMessage('Workflow', { text: 'An agent will be with you shortly', messageType: 'greeting' });
    expect(change.closed).toBe(false);
    expect(change.events.map((e) => e.kind)).toEqual(['newParty', 'message']);
    const [joined, message] = change.events as [NewPartyEvent, MessageEvent];
    const [party] = esp(session);
    expect(party).toMatchObject({ userType: 'EXTERNAL', protocol: 'ESP', nickname: 'Workflow', present: true, isBot: false, partyNumber: 2 });
    expect(joined).toMatchObject({ userId: party.userId, userType: 'EXTERNAL', protocol: 'ESP', nickname: 'Workflow', at: T0 + 1000 });
    expect(message).toMatchObject({
      kind: 'message',
      userId: party.userId,
      nickname: 'Workflow',
      text: 'An agent will be with you shortly',
      messageType: 'greeting',
      visibility: 'ALL',
      position: 2,
    });
  });

  it('a second message with the same nickname reuses the party; another nickname adds another party', () => {
    const { session } = startChat();
    const first = session.externalMessage('Workflow', { text: 'one' });
    const second = session.externalMessage('Workflow', { text: 'two' });
    expect(second.events.map((e) => e.kind)).toEqual(['message']);
    expect(second.events[0].userId).toBe(first.events[0].userId);
    const third = session.externalMessage('Survey', { text: 'three' });
    expect(third.events.map((e) => e.kind)).toEqual(['newParty', 'message']);
    expect(esp(session).map((p) => p.nickname)).toEqual(['Workflow', 'Survey']);
    expect(third.events[1].userId).not.toBe(first.events[0].userId);
  });

  it('an empty nickname posts as "system"', () => {
    const { session } = startChat();
    session.externalMessage('', { text: 'x' });
    session.externalMessage('  ', { text: 'y' });
    expect(esp(session).map((p) => p.nickname)).toEqual(['system']);
  });

  it('respects visibility: INT is not seen by the customer, VIP only by supervisors', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const s = join(session, supervisor('Sue', 'ALL'));
    const all = session.externalMessage('Workflow', { text: 'for everyone' }).events.at(-1);
    const int = session.externalMessage('Workflow', { text: 'for agents', visibility: 'INT' }).events.at(-1);
    const vip = session.externalMessage('Workflow', { text: 'for supervisors', visibility: 'VIP' }).events.at(-1);
    if (!all || !int || !vip) throw new Error('missing events');
    expect(int.visibility).toBe('INT');
    const seen = (userId: string) =>
      session
        .eventsFor(userId)
        .filter((e) => e.kind === 'message')
        .map((e) => e.eventId);
    expect(seen(c.userId)).toEqual([all.eventId]);
    expect(seen(a.userId)).toEqual([all.eventId, int.eventId]);
    expect(seen(s.userId)).toEqual([all.eventId, int.eventId, vip.eventId]);
  });

  it('keeps event attributes; an escaped JSON string content stays a string', () => {
    const { session } = startChat();
    const content = '{"type":"Message","contentType":"quick-replies","content":[{"id":1,"type":"quick-reply","action":"message","text":"Black"}]}';
    const eventAttributes = { 'structured-content': { 'genesys-chat': { content, type: 'Generic' } } };
    const message = session.externalMessage('Workflow', { text: 'Pick a color', eventAttributes }).events[1];
    expect(message.eventAttributes).toEqual({ 'structured-content': { 'genesys-chat': { content, type: 'Generic' } } });
    expect(typeof (message.eventAttributes?.['structured-content'] as { 'genesys-chat': { content: unknown } })['genesys-chat'].content).toBe('string');
    // a copy: the caller's object changing later does not change the transcript
    eventAttributes['structured-content']['genesys-chat'].type = 'Changed';
    expect(message.eventAttributes).toEqual({ 'structured-content': { 'genesys-chat': { content, type: 'Generic' } } });
  });

  it('is refused in a closed session', () => {
    const { session } = startChat();
    session.closeSession(false);
    expect(errorCode(() => session.externalMessage('Workflow', { text: 'late' }))).toBe('SESSION_CLOSED');
  });

  it('a refused first message adds no party and leaves nothing behind for the next change', () => {
    const { session, customer: c } = startChat({ rules: { messageMaxSize: 10 } });
    const before = session.state.transcript.length;
    expect(errorCode(() => session.externalMessage('Workflow', { text: 'far too long a text' }))).toBe('TEXT_TOO_LONG');
    expect(errorCode(() => session.externalMessage('Workflow', { text: 'x', receiverId: 'FFFFFFFFFFFFFFFF' }))).toBe('NOT_A_PARTICIPANT');
    expect(esp(session)).toEqual([]);
    expect(session.state.transcript).toHaveLength(before);
    const next = session.message(c.userId, { text: 'hi' });
    expect(next.events.map((e) => e.kind)).toEqual(['message']);
    expect(next.events[0].eventId).toBe(before + 1);
  });

  it('a refused first message in a nearly full transcript adds no party', () => {
    const { session } = startChat({ rules: { transcriptMaxEvents: 2 } });
    expect(errorCode(() => session.externalMessage('Workflow', { text: 'x' }))).toBe('TRANSCRIPT_FULL');
    expect(esp(session)).toEqual([]);
    expect(session.state.transcript).toHaveLength(1);
  });
});

describe('externalNotice (ESP Notice)', () => {
  it('USER_PUSHED_URL becomes a PUSH_URL notice', () => {
    const { session, customer: c } = startChat();
    const change = session.externalNotice('Workflow', { noticeType: 'USER_PUSHED_URL', text: 'https://example.com/help' });
    expect(change.events.map((e) => e.kind)).toEqual(['newParty', 'notice']);
    expect(change.events[1]).toMatchObject({ noticeType: 'PUSH_URL', text: 'https://example.com/help', nickname: 'Workflow', userId: esp(session)[0].userId });
    expect(session.eventsFor(c.userId).map((e) => e.eventId)).toContain(change.events[1].eventId);
  });

  it('USER_CUSTOM is accepted as is, with its text and attributes', () => {
    const { session } = startChat();
    const notice = session.externalNotice('Workflow', { noticeType: 'USER_CUSTOM', text: 'opaque', eventAttributes: { k: 'v' } }).events.at(-1) as NoticeEvent;
    expect(notice).toMatchObject({ kind: 'notice', noticeType: 'USER_CUSTOM', text: 'opaque', eventAttributes: { k: 'v' } });
  });

  it.each(['TYPING_STARTED', 'TYPING_STOPPED', 'USER_UPDATE_NICK', 'SYS_COMMAND', 'IDLE_CONTROL_ALERT', 'IDLE_CONTROL_CLOSE', 'NOPE'])(
    '%s is refused with INVALID_NOTICE_TYPE and adds no party',
    (noticeType) => {
      const { session } = startChat();
      expect(errorCode(() => session.externalNotice('Workflow', { noticeType, text: 'x' }))).toBe('INVALID_NOTICE_TYPE');
      expect(esp(session)).toEqual([]);
      expect(session.state.transcript).toHaveLength(1);
    },
  );

  it('a push URL without the URL is refused and adds no party', () => {
    const { session, customer: c } = startChat();
    expect(errorCode(() => session.externalNotice('Workflow', { noticeType: 'USER_PUSHED_URL', text: '' }))).toBe('INVALID_ARGUMENT');
    expect(esp(session)).toEqual([]);
    expect(session.state.transcript).toHaveLength(1);
    expect(session.message(c.userId, { text: 'hi' }).events.map((e) => e.kind)).toEqual(['message']);
  });

  it('uses the same party as the messages of that nickname', () => {
    const { session } = startChat();
    const m = session.externalMessage('Workflow', { text: 'm' });
    const n = session.externalNotice('Workflow', { noticeType: 'USER_CUSTOM' });
    expect(n.events.map((e) => e.kind)).toEqual(['notice']);
    expect(n.events[0].userId).toBe(m.events[0].userId);
  });
});

describe('workflow parties never keep a session alive', () => {
  it('customer and agent leave: the session closes and the ESP party is removed', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    session.externalMessage('Workflow', { text: 'hello' });
    const [w] = esp(session);
    expect(session.leave(c.userId, 'KEEP_ALIVE').closed).toBe(false);
    const change = session.leave(a.userId, 'KEEP_ALIVE');
    expect(change.closed).toBe(true);
    expect(session.isClosed).toBe(true);
    expect(w.present).toBe(false);
    const removed = change.events.find((e): e is PartyLeftEvent => e.kind === 'partyLeft' && e.userId === w.userId);
    expect(removed).toMatchObject({ reason: { code: 4 }, quitReasonCode: '4' });
  });

  it('the customer timing out with only the ESP party left closes the session', () => {
    const { ctx, session, customer: c } = startChat({ rules: { flexDisconnectTimeoutMs: 1000 } });
    session.externalMessage('Workflow', { text: 'hello' });
    ctx.clock.advance(1000);
    const change = session.expire();
    expect(change.closed).toBe(true);
    expect(c.present).toBe(false);
    expect(esp(session)[0].present).toBe(false);
  });

  it('an agent whose connection dropped, with only the ESP party left, closes the session', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    session.externalMessage('Workflow', { text: 'hello' });
    session.leave(c.userId, 'KEEP_ALIVE');
    expect(session.removeBySystem(a.userId, '3').closed).toBe(true);
  });
});

describe('closeSession (ESP CloseSession)', () => {
  it('closeSession(false) removes everyone with quit-reason-code 5 and closes', () => {
    const { ctx, session, customer: c } = startChat();
    const a = join(session, agent());
    ctx.clock.advance(1000);
    const change = session.closeSession(false);
    expect(change.closed).toBe(true);
    expect(session.isClosed).toBe(true);
    expect(session.state.closedAt).toBe(T0 + 1000);
    expect(change.events.map((e) => [e.kind, e.userId, quitReason(e)])).toEqual([
      ['partyLeft', c.userId, '5'],
      ['partyLeft', a.userId, '5'],
    ]);
    expect(errorCode(() => session.closeSession(false))).toBe('SESSION_CLOSED');
  });

  it('closeSession(true) with an agent present changes nothing', () => {
    const { session } = startChat();
    join(session, agent());
    const before = session.state.transcript.length;
    expect(session.closeSession(true)).toEqual({ events: [], closed: false });
    expect(session.isClosed).toBe(false);
    expect(session.state.transcript).toHaveLength(before);
  });

  it('closeSession(true) without an agent closes (a bot is not an agent)', () => {
    const { session, customer: c } = startChat();
    join(session, bot());
    const a = join(session, agent());
    session.leave(a.userId, 'KEEP_ALIVE');
    const change = session.closeSession(true);
    expect(change.closed).toBe(true);
    expect(change.events.every((e) => e.kind === 'partyLeft' && quitReason(e) === '5')).toBe(true);
    expect(c.present).toBe(false);
  });
});

// IdleControlConfigure and ConfigureSession: inactivity-control.spec.ts and language.spec.ts.

describe('bindInteraction', () => {
  it('records the interaction id in the session state', () => {
    const { session } = startChat();
    expect(session.state.interactionId).toBeUndefined();
    session.bindInteraction('00001a2b3c4d5e6f');
    expect(session.state.interactionId).toBe('00001a2b3c4d5e6f');
    expect(ids(session.state.transcript)).toEqual([1]);
  });
});
