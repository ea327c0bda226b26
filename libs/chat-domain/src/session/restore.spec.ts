import { agent, join, startChat, supervisor } from '../test/helpers';
import { ChatSession } from './chat-session';

describe('restore (HA normalization of a session loaded from storage)', () => {
  it('marks parties of persistent connections left with quit-reason-code 8, keeps customers, drops read confirmations', () => {
    const { ctx, session, customer } = startChat();
    const a = join(session, agent());
    const s = join(session, supervisor('Sue', 'VIP'));
    session.attach(customer.userId);
    session.notice(customer.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '2' } });
    const stored = JSON.parse(JSON.stringify(session.state));
    const restored = ChatSession.fromState(ctx, stored);
    const change = restored.restore();
    expect(change.closed).toBe(false);
    expect(change.events.map((e) => [e.kind, e.userId, e.kind === 'partyLeft' && e.quitReasonCode])).toEqual([
      ['partyLeft', a.userId, '8'],
      ['partyLeft', s.userId, '8'],
    ]);
    expect(restored.participant(customer.userId)).toMatchObject({ present: true, attachments: 0 });
    expect(restored.eventsFor(customer.userId).some((e) => e.kind === 'notice')).toBe(false);
    expect(restored.state.restored).toBe(true);
  });

  it('closes a session in which only parties of persistent connections were left', () => {
    const { ctx, session, customer } = startChat();
    join(session, agent());
    session.leave(customer.userId, 'KEEP_ALIVE');
    const restored = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
    const change = restored.restore();
    expect(change.closed).toBe(true);
    expect(restored.isClosed).toBe(true);
  });

  it('keeps positions contiguous and event ids unique across the restoration', () => {
    const { ctx, session } = startChat();
    join(session, agent());
    const restored = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
    restored.restore();
    const positions = restored.state.transcript.map((e) => e.position);
    expect(positions).toEqual(positions.map((_, i) => i));
    expect(new Set(restored.state.transcript.map((e) => e.eventId)).size).toBe(positions.length);
  });
});
