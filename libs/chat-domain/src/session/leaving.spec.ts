import { T0, agent, customer, errorCode, ids, join, quitReason, startChat, supervisor } from '../test/helpers';
import type { PartyLeftEvent } from '../types';

const asLeft = (e: unknown) => e as PartyLeftEvent;

describe('leaving with KEEP_ALIVE', () => {
  it('reason "left" without a code, quit-reason-code "0"; the session goes on', () => {
    const { ctx, session, customer: c } = startChat();
    const a = join(session, agent('Bob'));
    ctx.clock.advance(2000);
    const change = session.leave(a.userId, 'KEEP_ALIVE', { text: 'bye', userData: { Disposition: 'done' }, eventAttributes: { custom: 'x' } });
    expect(change.closed).toBe(false);
    expect(change.events).toHaveLength(1);
    const left = asLeft(change.events[0]);
    expect(left).toEqual({
      kind: 'partyLeft',
      position: 2,
      eventId: 3,
      at: T0 + 2000,
      userId: a.userId,
      nickname: 'Bob',
      visibility: 'ALL',
      reason: { text: 'left' },
      quitReasonCode: '0',
      text: 'bye',
      userData: { Disposition: 'done' },
      eventAttributes: { custom: 'x', GCTI_SYSTEM: { 'quit-reason-code': '0' } },
    });
    expect(left.reason.code).toBeUndefined();
    expect(left.askerId).toBeUndefined();
    expect(session.participant(a.userId)).toMatchObject({ present: false, leftAt: T0 + 2000, leftPosition: 2 });
    expect(session.isClosed).toBe(false);
    expect(session.participant(c.userId)?.present).toBe(true);
  });

  it('a sender cannot forge the quit-reason-code', () => {
    const { session } = startChat();
    const a = join(session, agent());
    const [left] = session.leave(a.userId, 'KEEP_ALIVE', { eventAttributes: { GCTI_SYSTEM: { 'quit-reason-code': '5' } } }).events;
    expect(quitReason(left)).toBe('0');
  });

  it('leave text is limited like a message', () => {
    const { session } = startChat({ rules: { messageMaxSize: 4 } });
    const a = join(session, agent());
    expect(errorCode(() => session.leave(a.userId, 'KEEP_ALIVE', { text: 'too long' }))).toBe('TEXT_TOO_LONG');
    expect(session.participant(a.userId)?.present).toBe(true);
  });
});

describe('leaving with CLOSE_IF_NO_AGENTS', () => {
  it('reason code 1; the session goes on while another non-bot agent is present', () => {
    const { session } = startChat();
    const a1 = join(session, agent('A1'));
    join(session, agent('A2'));
    const change = session.leave(a1.userId, 'CLOSE_IF_NO_AGENTS');
    expect(change.closed).toBe(false);
    expect(change.events).toHaveLength(1);
    expect(asLeft(change.events[0]).reason).toEqual({ code: 1, text: 'left with request to close if no agents' });
    expect(asLeft(change.events[0]).quitReasonCode).toBe('0');
    expect(session.isClosed).toBe(false);
  });

  it('the last agent leaving closes the session: the others are removed with code 4, quit-reason-code "4", askerId = the leaver', () => {
    const { ctx, session, customer: c } = startChat();
    const a = join(session, agent());
    const coach = join(session, supervisor('Coach', 'INT'));
    ctx.clock.advance(777);
    const change = session.leave(a.userId, 'CLOSE_IF_NO_AGENTS');
    expect(change.closed).toBe(true);
    expect(session.isClosed).toBe(true);
    expect(session.state.closedAt).toBe(T0 + 777);
    const [own, ...removed] = change.events.map(asLeft);
    expect(own).toMatchObject({ userId: a.userId, reason: { code: 1 }, quitReasonCode: '0' });
    expect(own.askerId).toBeUndefined();
    expect(removed.map((e) => e.userId)).toEqual([c.userId, coach.userId]);
    for (const e of removed) {
      expect(e.kind).toBe('partyLeft');
      expect(e.reason).toEqual({ code: 4, text: 'removed by other party' });
      expect(e.quitReasonCode).toBe('4');
      expect(quitReason(e)).toBe('4');
      expect(e.askerId).toBe(a.userId);
    }
    // the coaching supervisor is removed with its own visibility
    expect(removed[1].visibility).toBe('INT');
    expect(session.presentParticipants()).toEqual([]);
  });

  it('a customer leaving with CLOSE_IF_NO_AGENTS while an agent is present does not close', () => {
    const { session, customer: c } = startChat();
    join(session, agent());
    expect(session.leave(c.userId, 'CLOSE_IF_NO_AGENTS').closed).toBe(false);
  });
});

describe('leaving with FORCE_CLOSE', () => {
  it('reason code 2; everyone else removed (code 4, askerId), session closed', () => {
    const { session, customer: c } = startChat();
    const a1 = join(session, agent('A1'));
    const a2 = join(session, agent('A2'));
    const monitor = join(session, supervisor('M', 'VIP'));
    const change = session.leave(a1.userId, 'FORCE_CLOSE');
    expect(change.closed).toBe(true);
    expect(session.isClosed).toBe(true);
    const events = change.events.map(asLeft);
    expect(events.map((e) => [e.userId, e.reason.code, e.quitReasonCode, e.askerId])).toEqual([
      [a1.userId, 2, '0', undefined],
      [c.userId, 4, '4', a1.userId],
      [a2.userId, 4, '4', a1.userId],
      [monitor.userId, 4, '4', a1.userId],
    ]);
    expect(events[0].reason.text).toBe('left with request to close forcedly');
    expect(session.presentParticipants()).toEqual([]);
  });

  it('a customer may force-close too', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    const change = session.leave(c.userId, 'FORCE_CLOSE');
    expect(change.closed).toBe(true);
    expect(asLeft(change.events[1])).toMatchObject({ userId: a.userId, askerId: c.userId, quitReasonCode: '4' });
  });
});

describe('removal by the system', () => {
  it('\'3\' is a disconnect: reason code 3, quit-reason-code "3"; the session goes on while someone is present', () => {
    const { session, customer: c } = startChat();
    join(session, agent());
    const change = session.removeBySystem(c.userId, '3');
    expect(change.closed).toBe(false);
    const left = asLeft(change.events[0]);
    expect(left.reason).toEqual({ code: 3, text: 'left due to disconnect' });
    expect(left.quitReasonCode).toBe('3');
    expect(quitReason(left)).toBe('3');
    expect(left.askerId).toBeUndefined();
    expect(session.participant(c.userId)?.present).toBe(false);
    expect(session.isClosed).toBe(false);
  });

  it.each(['5', '7', '8'] as const)("'%s' is carried as quit-reason-code", (code) => {
    const { session } = startChat();
    const a = join(session, agent());
    const left = asLeft(session.removeBySystem(a.userId, code).events[0]);
    expect(left.quitReasonCode).toBe(code);
    expect(quitReason(left)).toBe(code);
    expect(left.askerId).toBeUndefined();
  });

  it('removing the last present party closes the session, with no other events', () => {
    const { ctx, session, customer: c } = startChat();
    const a = join(session, agent());
    session.leave(a.userId, 'KEEP_ALIVE');
    ctx.clock.advance(100);
    const change = session.removeBySystem(c.userId, '7');
    expect(change.closed).toBe(true);
    expect(change.events).toHaveLength(1);
    expect(session.isClosed).toBe(true);
    expect(session.state.closedAt).toBe(T0 + 100);
  });

  it('closeBySystem removes everyone with the given quit code and closes the session', () => {
    const { ctx, session, customer: c } = startChat();
    const a = join(session, agent());
    const m = join(session, supervisor('M', 'VIP'));
    ctx.clock.advance(50);
    const change = session.closeBySystem('7');
    expect(change.closed).toBe(true);
    expect(change.events.map((e) => e.userId)).toEqual([c.userId, a.userId, m.userId]);
    for (const e of change.events.map(asLeft)) {
      expect(e.kind).toBe('partyLeft');
      expect(e.quitReasonCode).toBe('7');
      expect(quitReason(e)).toBe('7');
      expect(e.askerId).toBeUndefined();
      expect(e.at).toBe(T0 + 50);
    }
    expect(session.isClosed).toBe(true);
    expect(session.state.closedAt).toBe(T0 + 50);
  });

  it('closeBySystem uses quit code "5" by default and does not touch parties that already left', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    session.leave(a.userId, 'KEEP_ALIVE');
    const change = session.closeBySystem();
    expect(change.events.map((e) => [e.userId, asLeft(e).quitReasonCode])).toEqual([[c.userId, '5']]);
  });
});

describe('after leaving', () => {
  it('a party that left cannot send, notify, update data or leave again (PARTICIPANT_LEFT)', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    join(session, agent('Other'));
    session.leave(a.userId, 'KEEP_ALIVE');
    const before = session.state.transcript.length;
    expect(errorCode(() => session.message(a.userId, { text: 'one more thing' }))).toBe('PARTICIPANT_LEFT');
    expect(errorCode(() => session.notice(a.userId, { noticeType: 'TYPING_STARTED' }))).toBe('PARTICIPANT_LEFT');
    expect(errorCode(() => session.leave(a.userId, 'FORCE_CLOSE'))).toBe('PARTICIPANT_LEFT');
    expect(errorCode(() => session.removeBySystem(a.userId, '3'))).toBe('PARTICIPANT_LEFT');
    expect(session.state.transcript).toHaveLength(before);
    expect(session.isClosed).toBe(false);
    expect(session.participant(c.userId)?.present).toBe(true);
  });

  it('a party that left sees no event after its own partyLeft', () => {
    const { session, customer: c } = startChat();
    const a = join(session, agent());
    session.message(c.userId, { text: 'before' });
    const [left] = session.leave(c.userId, 'KEEP_ALIVE').events;
    session.message(a.userId, { text: 'after' });
    join(session, agent('Late'));
    const seen = session.eventsFor(c.userId);
    expect(seen[seen.length - 1]).toBe(left);
    expect(ids(seen)).toEqual([1, 2, 3, 4]);
    expect(session.eventsFor(c.userId, left.position + 1)).toEqual([]);
    expect(session.eventsFor(a.userId)).toHaveLength(6);
  });

  it('a late joiner sees the history from the start (visible levels only)', () => {
    const { session, customer: c } = startChat({ creator: customer() });
    const a = join(session, agent());
    session.message(a.userId, { text: 'internal', visibility: 'INT' });
    session.message(c.userId, { text: 'hello' });
    const late = join(session, agent('Late'));
    expect(session.eventsFor(late.userId).map((e) => e.position)).toEqual([0, 1, 2, 3, 4]);
  });
});
