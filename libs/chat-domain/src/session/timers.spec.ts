import { T0, agent, customer, join, startChat } from '../test/helpers';
import { Command } from './command';
import { inactivityControl } from './inactivity-control';
import { pushResend } from './push-notifications';
import { SESSION_TIMERS, asyncIdle, closedRetention, expireTimers, flexInactivity, nextDeadline } from './timers';

const RULES = { flexDisconnectTimeoutMs: 45_000, flexPushTimeoutMs: 90_000, closedRetainMs: 60_000, asyncIdleAlertMs: 10_000, asyncIdleCloseMs: 5_000 };
const ASYNC = { GCTI_Chat_AsyncMode: 'true' };

describe('session timers', () => {
  it('are the closed-session retention, the flex inactivity, the async idle timer, inactivity control and the push resend, in this order', () => {
    expect(SESSION_TIMERS).toEqual([closedRetention, flexInactivity, asyncIdle, inactivityControl, pushResend]);
  });

  describe('closed-session retention', () => {
    it('runs only once the session is closed, until closedAt + closed-session-retain-time', () => {
      const { ctx, session } = startChat({ rules: RULES });
      expect(closedRetention.deadline(session.state, ctx.rules)).toBeUndefined();
      ctx.clock.advance(1000);
      session.closeBySystem();
      expect(closedRetention.deadline(session.state, ctx.rules)).toBe(T0 + 1000 + RULES.closedRetainMs);
    });

    it('lets the session be forgotten when due', () => {
      const { ctx, session } = startChat({ rules: RULES });
      const command = new Command(session.state, ctx);
      closedRetention.apply(command, T0);
      expect(command.drop).toBe(true);
    });
  });

  describe('flex inactivity', () => {
    it('is due at the earliest lastRequestAt + flex-disconnect-timeout, or + flex-push-timeout with a live connection, of the present flex parties', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES });
      const second = join(session, customer({ nickname: 'Second' }));
      join(session, agent());
      ctx.clock.advance(2000);
      session.touch(c.userId);
      expect(flexInactivity.deadline(session.state, ctx.rules)).toBe(T0 + RULES.flexDisconnectTimeoutMs);
      session.attach(second.userId);
      expect(flexInactivity.deadline(session.state, ctx.rules)).toBe(T0 + 2000 + RULES.flexDisconnectTimeoutMs);
      session.attach(c.userId);
      expect(flexInactivity.deadline(session.state, ctx.rules)).toBe(T0 + 2000 + RULES.flexPushTimeoutMs);
    });

    it('waits flex-push-timeout in an async session', () => {
      const { ctx, session } = startChat({ rules: RULES, creator: customer({ userData: ASYNC }) });
      expect(flexInactivity.deadline(session.state, ctx.rules)).toBe(T0 + RULES.flexPushTimeoutMs);
    });
  });

  describe('async idle', () => {
    it('does not run in a session that is not async', () => {
      const { ctx, session } = startChat({ rules: RULES });
      expect(asyncIdle.deadline(session.state, ctx.rules)).toBeUndefined();
    });

    it('is due async-idle-alert after the idle period began, then async-idle-close after the alert, and stops with the session', () => {
      const { ctx, session } = startChat({ rules: RULES, creator: customer({ userData: ASYNC }) });
      expect(asyncIdle.deadline(session.state, ctx.rules)).toBe(T0 + RULES.asyncIdleAlertMs);
      ctx.clock.set(T0 + RULES.asyncIdleAlertMs);
      session.expire();
      expect(asyncIdle.deadline(session.state, ctx.rules)).toBe(T0 + RULES.asyncIdleAlertMs + RULES.asyncIdleCloseMs);
      session.closeBySystem();
      expect(asyncIdle.deadline(session.state, ctx.rules)).toBeUndefined();
    });
  });

  it('the session’s next deadline is the earliest of its timers', () => {
    const { ctx, session } = startChat({ rules: { ...RULES, asyncIdleAlertMs: 100_000 }, creator: customer({ userData: ASYNC }) });
    expect(nextDeadline(session.state, ctx.rules)).toBe(T0 + RULES.flexPushTimeoutMs);
    ctx.clock.advance(50_000);
    session.touch(session.state.participants[0].userId);
    expect(nextDeadline(session.state, ctx.rules)).toBe(T0 + 100_000);
  });

  it('a timer that closes the session stops those after it that run only while it is open', () => {
    // The customer's flex-push-timeout and the async idle alert fall due together: the customer is removed and the
    // session closes (quit reason 3); no idle notice follows.
    const { ctx, session } = startChat({
      rules: { ...RULES, flexPushTimeoutMs: RULES.flexPushTimeoutMs / 2, asyncIdleAlertMs: RULES.flexPushTimeoutMs },
      creator: customer({ userData: ASYNC }),
    });
    // Unconfirmed at its first expiry, the customer is removed at the second.
    expireTimers(new Command(session.state, ctx), T0 + RULES.flexPushTimeoutMs / 2);
    const command = new Command(session.state, ctx);
    expireTimers(command, T0 + RULES.flexPushTimeoutMs);
    const change = command.finish(true);
    expect(change.events.map((e) => (e.kind === 'partyLeft' ? e.quitReasonCode : e.kind))).toEqual(['3']);
    expect(session.isClosed).toBe(true);
    expect(command.drop).toBe(false);
  });
});
