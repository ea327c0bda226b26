import { agent, errorCode, join, startChat, supervisor } from '../test/helpers';
import type { ChatEvent } from '../types';

const texts = (events: readonly ChatEvent[]) => events.map((e) => e.text ?? e.kind);

describe('a party changing its own visibility', () => {
  function monitored() {
    const chat = startChat();
    const a = join(chat.session, agent('Ann'));
    const s = join(chat.session, supervisor('Sam', 'VIP'));
    chat.ctx.clock.advance(1000);
    return { ...chat, a, s };
  }

  it('a monitoring supervisor coaches: the agent now sees it, the customer does not', () => {
    const { session, customer: c, a, s } = monitored();
    const from = session.nextPosition;
    const { events } = session.changeVisibility(s.userId, 'INT');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'notice',
      noticeType: 'USER_CUSTOM',
      userId: s.userId,
      visibility: 'INT',
      text: 'Sam is coaching',
      userData: { visibility: 'INT', 'previous-visibility': 'VIP' },
      at: Date.UTC(2026, 0, 1) + 1000,
    });
    expect(texts(session.eventsFor(a.userId, from))).toEqual(['Sam is coaching']);
    expect(session.eventsFor(c.userId, from)).toEqual([]);
    expect(session.isMonitored()).toBe(false);
    session.message(s.userId, { text: 'offer the refund' });
    expect(texts(session.eventsFor(a.userId, from))).toEqual(['Sam is coaching', 'offer the refund']);
    expect(session.eventsFor(c.userId, from)).toEqual([]);
  });

  it('barging in shows the customer the supervisor joining, and its later messages; going back shows it leaving', () => {
    const { session, customer: c, a, s } = monitored();
    session.message(s.userId, { text: 'before, unseen' });
    const from = session.nextPosition;
    session.changeVisibility(s.userId, 'ALL');
    session.message(s.userId, { text: 'I am the supervisor' });
    session.changeVisibility(s.userId, 'VIP');
    session.message(s.userId, { text: 'after, unseen' });
    expect(texts(session.eventsFor(c.userId, from))).toEqual(['Sam joined the conversation', 'I am the supervisor', 'Sam left the conversation']);
    expect(texts(session.eventsFor(a.userId, from))).toEqual(['Sam joined the conversation', 'I am the supervisor', 'Sam left the conversation']);
    expect(texts(session.eventsFor(s.userId, from))).toEqual([
      'Sam joined the conversation',
      'I am the supervisor',
      'Sam left the conversation',
      'after, unseen',
    ]);
    expect(session.isMonitored()).toBe(true);
    expect(session.participant(s.userId)?.present).toBe(true);
  });

  it("the party's departure is seen at the visibility it has then", () => {
    const { session, customer: c, s } = monitored();
    session.changeVisibility(s.userId, 'ALL');
    const from = session.nextPosition;
    session.leave(s.userId, 'KEEP_ALIVE');
    expect(session.eventsFor(c.userId, from).map((e) => e.kind)).toEqual(['partyLeft']);
  });

  it('an agent moves between conference and coaching; it may not monitor, and a customer may not hide', () => {
    const { session, customer: c, a } = monitored();
    const from = session.nextPosition;
    session.changeVisibility(a.userId, 'INT');
    expect(texts(session.eventsFor(c.userId, from))).toEqual(['Ann left the conversation']);
    expect(errorCode(() => session.changeVisibility(a.userId, 'VIP'))).toBe('INVALID_VISIBILITY');
    expect(errorCode(() => session.changeVisibility(c.userId, 'INT'))).toBe('INVALID_VISIBILITY');
    expect(session.participant(a.userId)?.visibility).toBe('INT');
  });

  it('the visibility the party has already is refused, and appends nothing', () => {
    const { session, s } = monitored();
    const before = session.nextPosition;
    expect(errorCode(() => session.changeVisibility(s.userId, 'VIP'))).toBe('INVALID_ARGUMENT');
    expect(session.nextPosition).toBe(before);
  });

  it('a party that left, or a closed session, is refused', () => {
    const { session, a, s } = monitored();
    session.leave(s.userId, 'KEEP_ALIVE');
    expect(errorCode(() => session.changeVisibility(s.userId, 'ALL'))).toBe('PARTICIPANT_LEFT');
    session.leave(a.userId, 'FORCE_CLOSE');
    expect(errorCode(() => session.changeVisibility(a.userId, 'INT'))).toBe('SESSION_CLOSED');
  });
});
