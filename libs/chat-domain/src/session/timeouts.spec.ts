import { T0, agent, customer, join, quitReason, startChat } from '../test/helpers';
import type { PartyLeftEvent } from '../types';

const TIMEOUT = 45_000; // DEFAULT_RULES.flexDisconnectTimeoutMs
const RETAIN = 60_000; // DEFAULT_RULES.closedRetainMs
const PUSH = 86_400_000; // DEFAULT_RULES.flexPushTimeoutMs

describe('flex-disconnect-timeout', () => {
  it('nextDeadline = lastRequestAt + flexDisconnectTimeoutMs for a present FLEX party', () => {
    const { session, customer: c } = startChat();
    expect(c.lastRequestAt).toBe(T0);
    expect(session.nextDeadline()).toBe(T0 + TIMEOUT);
  });

  it('follows the configured timeout', () => {
    const { session } = startChat({ rules: { flexDisconnectTimeoutMs: 1234 } });
    expect(session.nextDeadline()).toBe(T0 + 1234);
  });

  it('BASIC parties have no flex deadline', () => {
    const { session, customer: c } = startChat();
    join(session, agent());
    session.leave(c.userId, 'KEEP_ALIVE');
    expect(session.nextDeadline()).toBeUndefined();
  });

  it('touch moves the deadline to now + timeout', () => {
    const { ctx, session, customer: c } = startChat();
    ctx.clock.advance(30_000);
    session.touch(c.userId);
    expect(c.lastRequestAt).toBe(T0 + 30_000);
    expect(session.nextDeadline()).toBe(T0 + 30_000 + TIMEOUT);
    // the old deadline passes without effect
    ctx.clock.set(T0 + TIMEOUT + 1);
    expect(session.expire().events).toEqual([]);
    expect(c.present).toBe(true);
  });

  it('attach hands the party to flex-push-timeout; detach restarts flex-disconnect-timeout from the moment of detaching', () => {
    const { ctx, session, customer: c } = startChat();
    session.attach(c.userId);
    expect(session.nextDeadline()).toBe(T0 + PUSH);
    ctx.clock.advance(10 * TIMEOUT);
    expect(session.expire()).toEqual({ events: [], closed: false, drop: false });
    expect(c.present).toBe(true);

    session.detach(c.userId);
    expect(session.nextDeadline()).toBe(T0 + 10 * TIMEOUT + TIMEOUT);
  });

  it('stays on flex-push-timeout until the last of several attachments is gone', () => {
    const { ctx, session, customer: c } = startChat();
    session.attach(c.userId);
    session.attach(c.userId);
    ctx.clock.advance(1000);
    session.detach(c.userId);
    expect(session.nextDeadline()).toBe(T0 + 1000 + PUSH);
    ctx.clock.advance(1000);
    session.detach(c.userId);
    expect(session.nextDeadline()).toBe(T0 + 2000 + TIMEOUT);
  });

  it('expire() before the deadline does nothing', () => {
    const { ctx, session, customer: c } = startChat();
    ctx.clock.set(T0 + TIMEOUT - 1);
    expect(session.expire()).toEqual({ events: [], closed: false, drop: false });
    expect(c.present).toBe(true);
    expect(session.state.transcript).toHaveLength(1);
  });

  it('expire() at the deadline removes the customer with quit-reason-code "3" and closes the session if nobody remains', () => {
    const { ctx, session, customer: c } = startChat();
    ctx.clock.set(T0 + TIMEOUT);
    const result = session.expire();
    expect(result.closed).toBe(true);
    expect(result.drop).toBe(false);
    expect(result.events).toHaveLength(1);
    const left = result.events[0] as PartyLeftEvent;
    expect(left).toMatchObject({
      kind: 'partyLeft',
      userId: c.userId,
      quitReasonCode: '3',
      reason: { code: 3, text: 'left due to disconnect' },
      at: T0 + TIMEOUT,
    });
    expect(quitReason(left)).toBe('3');
    expect(c.present).toBe(false);
    expect(session.isClosed).toBe(true);
    expect(session.state.closedAt).toBe(T0 + TIMEOUT);
  });

  it('expire() removes the customer but keeps the session while an agent is present', () => {
    const { ctx, session, customer: c } = startChat();
    const a = join(session, agent());
    ctx.clock.advance(TIMEOUT + 5000);
    const result = session.expire();
    expect(result.closed).toBe(false);
    expect(result.events.map((e) => e.userId)).toEqual([c.userId]);
    expect(session.isClosed).toBe(false);
    expect(session.presentParticipants()).toEqual([a]);
    expect(session.nextDeadline()).toBeUndefined();
    // a second expire has nothing more to do
    expect(session.expire().events).toEqual([]);
  });

  it('the earliest of several FLEX deadlines comes first, and only the expired party is removed', () => {
    const { ctx, session, customer: c } = startChat();
    join(session, agent());
    ctx.clock.advance(10_000);
    const c2 = join(session, customer({ nickname: 'Second' }));
    expect(session.nextDeadline()).toBe(T0 + TIMEOUT);
    ctx.clock.set(T0 + TIMEOUT);
    expect(session.expire().events.map((e) => e.userId)).toEqual([c.userId]);
    expect(c2.present).toBe(true);
    expect(session.nextDeadline()).toBe(T0 + 10_000 + TIMEOUT);
  });

  it('when every FLEX party times out at once, all are removed with "3" and the session closes', () => {
    const { ctx, session, customer: c } = startChat();
    const c2 = join(session, customer({ nickname: 'Second' }));
    ctx.clock.set(T0 + TIMEOUT);
    const result = session.expire();
    expect(result.closed).toBe(true);
    expect(result.events.map((e) => [e.userId, (e as PartyLeftEvent).quitReasonCode])).toEqual([
      [c.userId, '3'],
      [c2.userId, '3'],
    ]);
    expect(result.events).toEqual(session.state.transcript.slice(2));
    expect(session.isClosed).toBe(true);
    expect(session.nextDeadline()).toBe(T0 + TIMEOUT + RETAIN);
  });

  it('a party that left has no deadline', () => {
    const { session } = startChat();
    const a = join(session, agent());
    const c2 = join(session, customer({ nickname: 'Second' }));
    session.leave(c2.userId, 'KEEP_ALIVE');
    session.leave(session.state.participants[0].userId, 'KEEP_ALIVE');
    expect(a.present).toBe(true);
    expect(session.nextDeadline()).toBeUndefined();
  });
});

describe('closed-session retention', () => {
  it('nextDeadline = closedAt + closedRetainMs; expire() says drop only from then on', () => {
    const { ctx, session, customer: c } = startChat();
    ctx.clock.advance(5000);
    session.leave(c.userId, 'KEEP_ALIVE');
    expect(session.state.closedAt).toBe(T0 + 5000);
    expect(session.nextDeadline()).toBe(T0 + 5000 + RETAIN);

    ctx.clock.set(T0 + 5000 + RETAIN - 1);
    expect(session.expire()).toEqual({ events: [], closed: false, drop: false });
    ctx.clock.set(T0 + 5000 + RETAIN);
    expect(session.expire()).toEqual({ events: [], closed: false, drop: true });
    ctx.clock.advance(1_000_000);
    expect(session.expire().drop).toBe(true);
  });

  it('a session closed by the flex timeout is retained from the moment it closed', () => {
    const { ctx, session } = startChat({ rules: { closedRetainMs: 1000 } });
    ctx.clock.set(T0 + TIMEOUT + 10);
    session.expire();
    expect(session.nextDeadline()).toBe(T0 + TIMEOUT + 10 + 1000);
  });

  it('touch, attach and detach of a closed session change nothing', () => {
    const { ctx, session, customer: c } = startChat();
    session.leave(c.userId, 'KEEP_ALIVE');
    ctx.clock.advance(100);
    session.touch(c.userId);
    session.attach(c.userId);
    session.detach(c.userId);
    expect(session.nextDeadline()).toBe(T0 + RETAIN);
  });
});
