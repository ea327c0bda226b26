import { DEFAULT_RULES, type InactivityRules, type SessionRules } from '../rules';
import { T0, agent, bot, customer, errorCode, join, quitReason, startChat, supervisor } from '../test/helpers';
import type { ChatEvent, NoticeEvent } from '../types';
import { ChatSession } from './chat-session';
import { SYSTEM_USER_ID } from './event-pipeline';
import { SESSION_TIMERS } from './timers';
import { inactivityControl } from './inactivity-control';

const ALERT = 60_000;
const ALERT2 = 20_000;
const CLOSE = 10_000;
const TEXTS = { alert: 'Anyone there?', alert2: 'Still there?', close: 'Closed: nobody spoke.' };

function rules(inactivity: Partial<InactivityRules> = {}, more: Partial<SessionRules> = {}): Partial<SessionRules> {
  return {
    inactivity: { enabled: true, alertMs: ALERT, alert2Ms: ALERT2, closeMs: CLOSE, messages: TEXTS, includeNotices: 'major', ...inactivity },
    // Customers here make no requests: their flex-disconnect-timeout stays out of the way.
    flexDisconnectTimeoutMs: 3_600_000,
    ...more,
  };
}

/** A customer and an agent, at T0, inactivity control on. */
function watchedChat(inactivity: Partial<InactivityRules> = {}, more: Partial<SessionRules> = {}) {
  const chat = startChat({ rules: rules(inactivity, more) });
  const a = join(chat.session, agent());
  return { ...chat, agentParty: a };
}

const notices = (events: readonly ChatEvent[]) => events.filter((e): e is NoticeEvent => e.kind === 'notice').map((e) => [e.noticeType, e.text]);

describe('inactivity control ([inactivity-control])', () => {
  it('is the fourth session timer', () => {
    expect(SESSION_TIMERS[3]).toBe(inactivityControl);
  });

  it('does not run while off (enabled=false, the default)', () => {
    const { session } = startChat();
    join(session, agent());
    expect(session.nextDeadline()).toBe(T0 + DEFAULT_RULES.flexDisconnectTimeoutMs);
    expect(session.state.idle).toBeUndefined();
  });

  describe('runs only while at least one customer and one agent are present', () => {
    it('a customer alone: no timer, and no idle record kept', () => {
      const { ctx, session, customer: c } = startChat({ rules: rules() });
      session.message(c.userId, { text: 'hello?' });
      expect(inactivityControl.deadline(session.state, ctx.rules)).toBeUndefined();
      expect(session.state.idle).toBeUndefined();
    });

    it('a customer with a bot: no timer (a bot is not an agent)', () => {
      const { ctx, session } = startChat({ rules: rules() });
      join(session, bot());
      expect(inactivityControl.deadline(session.state, ctx.rules)).toBeUndefined();
    });

    it('an agent joining starts the wait for timeout-alert', () => {
      const { ctx, session } = startChat({ rules: rules() });
      ctx.clock.advance(5000);
      join(session, agent());
      expect(inactivityControl.deadline(session.state, ctx.rules)).toBe(T0 + 5000 + ALERT);
    });

    it('a customer joining an agent’s session (outbound) starts it too', () => {
      const { ctx, session } = startChat({ rules: rules(), creator: agent() });
      expect(inactivityControl.deadline(session.state, ctx.rules)).toBeUndefined();
      ctx.clock.advance(3000);
      join(session, customer());
      expect(inactivityControl.deadline(session.state, ctx.rules)).toBe(T0 + 3000 + ALERT);
    });

    it('the last agent leaving stops it; an agent joining again starts a new period', () => {
      const { ctx, session, agentParty } = watchedChat();
      ctx.clock.advance(ALERT - 1);
      session.leave(agentParty.userId, 'KEEP_ALIVE');
      expect(inactivityControl.deadline(session.state, ctx.rules)).toBeUndefined();
      ctx.clock.advance(ALERT * 10);
      expect(session.expire().events).toEqual([]);
      join(session, agent('Second'));
      expect(inactivityControl.deadline(session.state, ctx.rules)).toBe(ctx.clock.now() + ALERT);
    });
  });

  it('alert after timeout-alert, alert2 after timeout-alert2 more, then the close notice and every party removed with quit reason 7', () => {
    const { ctx, session, customer: c, agentParty: a } = watchedChat();
    const s = join(session, supervisor('Sue', 'VIP'));
    ctx.clock.set(T0 + ALERT - 1);
    expect(session.expire().events).toEqual([]);
    ctx.clock.set(T0 + ALERT);
    const alert = session.expire();
    expect(alert.events).toHaveLength(1);
    expect(alert.events[0]).toMatchObject({
      kind: 'notice',
      noticeType: 'IDLE_CONTROL_ALERT',
      text: TEXTS.alert,
      userId: SYSTEM_USER_ID,
      visibility: 'ALL',
      userData: { 'next-idle-timer-type': 'ALERT', 'next-idle-timer-secs': '20' },
    });
    expect(session.nextDeadline()).toBe(T0 + ALERT + ALERT2);
    ctx.clock.set(T0 + ALERT + ALERT2);
    const alert2 = session.expire();
    expect(alert2.events[0]).toMatchObject({
      noticeType: 'IDLE_CONTROL_ALERT',
      text: TEXTS.alert2,
      userData: { 'next-idle-timer-type': 'CLOSE', 'next-idle-timer-secs': '10' },
    });
    expect(session.nextDeadline()).toBe(T0 + ALERT + ALERT2 + CLOSE);
    ctx.clock.set(T0 + ALERT + ALERT2 + CLOSE);
    const close = session.expire();
    expect(close.closed).toBe(true);
    expect(notices(close.events)).toEqual([['IDLE_CONTROL_CLOSE', TEXTS.close]]);
    const left = close.events.filter((e) => e.kind === 'partyLeft');
    expect(left.map((e) => [e.userId, quitReason(e)])).toEqual([
      [c.userId, '7'],
      [a.userId, '7'],
      [s.userId, '7'],
    ]);
    expect(session.isClosed).toBe(true);
    expect(inactivityControl.deadline(session.state, ctx.rules)).toBeUndefined();
  });

  it('timeout-alert2 = 0: no second alert, the close follows the alert after timeout-close', () => {
    const { ctx, session } = watchedChat({ alert2Ms: 0 });
    ctx.clock.set(T0 + ALERT);
    expect(session.expire().events[0]).toMatchObject({ text: TEXTS.alert, userData: { 'next-idle-timer-type': 'CLOSE', 'next-idle-timer-secs': '10' } });
    expect(session.nextDeadline()).toBe(T0 + ALERT + CLOSE);
    ctx.clock.set(T0 + ALERT + CLOSE);
    const close = session.expire();
    expect(close.closed).toBe(true);
    expect(notices(close.events)).toEqual([['IDLE_CONTROL_CLOSE', TEXTS.close]]);
  });

  it('an empty message sends no notice, and the timer still runs', () => {
    const { ctx, session } = watchedChat({ messages: { alert: '', alert2: '', close: '' } });
    ctx.clock.set(T0 + ALERT);
    expect(session.expire().events).toEqual([]);
    ctx.clock.set(T0 + ALERT + ALERT2);
    expect(session.expire().events).toEqual([]);
    ctx.clock.set(T0 + ALERT + ALERT2 + CLOSE);
    const close = session.expire();
    expect(close.closed).toBe(true);
    expect(close.events.every((e) => e.kind === 'partyLeft' && quitReason(e) === '7')).toBe(true);
  });

  describe('activity visible to all starts the wait for timeout-alert again', () => {
    it('a message, even after an alert', () => {
      const { ctx, session, customer: c } = watchedChat();
      ctx.clock.set(T0 + ALERT);
      session.expire();
      ctx.clock.advance(5000);
      session.message(c.userId, { text: 'still here' });
      expect(session.nextDeadline()).toBe(T0 + ALERT + 5000 + ALERT);
      ctx.clock.set(T0 + ALERT + 5000 + ALERT);
      expect(notices(session.expire().events)).toEqual([['IDLE_CONTROL_ALERT', TEXTS.alert]]);
    });

    it('an agent joining or leaving (while another stays)', () => {
      const { ctx, session } = watchedChat();
      ctx.clock.advance(1000);
      const b = join(session, agent('Second'));
      expect(session.nextDeadline()).toBe(T0 + 1000 + ALERT);
      ctx.clock.advance(1000);
      session.leave(b.userId, 'KEEP_ALIVE');
      expect(session.nextDeadline()).toBe(T0 + 2000 + ALERT);
    });

    it('not a coaching (INT) message, nor one a supervisor exchanges at VIP, nor a direct message', () => {
      const { ctx, session, customer: c, agentParty: a } = watchedChat();
      const coach = join(session, supervisor('Coach', 'INT'));
      const monitor = join(session, supervisor('Monitor', 'VIP'));
      ctx.clock.advance(1000);
      session.message(coach.userId, { text: 'ask for the order number', visibility: 'INT' });
      session.message(monitor.userId, { text: 'watching', visibility: 'VIP' });
      session.message(a.userId, { text: 'psst', receiverId: c.userId });
      expect(session.nextDeadline()).toBe(T0 + ALERT);
    });

    it('not a bot’s message', () => {
      const { ctx, session } = watchedChat();
      const b = join(session, bot());
      ctx.clock.advance(1000);
      session.message(b.userId, { text: 'beep' });
      // The bot's join was no activity either.
      expect(session.nextDeadline()).toBe(T0 + ALERT);
    });

    it.each([
      ['none', []],
      ['major', ['PUSH_URL']],
      ['major2', ['PUSH_URL', 'USER_CUSTOM']],
      ['typing', ['PUSH_URL', 'TYPING_STARTED']],
      ['all', ['PUSH_URL', 'USER_CUSTOM', 'TYPING_STARTED', 'TYPING_STOPPED', 'USER_UPDATE_NICK']],
    ] as const)('notices only as include-notices=%s says: %j', (level, counted) => {
      for (const noticeType of ['PUSH_URL', 'USER_CUSTOM', 'TYPING_STARTED', 'TYPING_STOPPED', 'USER_UPDATE_NICK'] as const) {
        const { ctx, session, agentParty: a } = watchedChat({ includeNotices: level });
        ctx.clock.advance(1000);
        session.notice(a.userId, { noticeType, text: noticeType === 'PUSH_URL' ? 'https://example.com' : 'Agent2' });
        const expected = (counted as readonly string[]).includes(noticeType) ? T0 + 1000 + ALERT : T0 + ALERT;
        expect([noticeType, session.nextDeadline()]).toEqual([noticeType, expected]);
      }
    });
  });

  it('[inactivity-control] enabled=false, but the session’s own enabled=true: it runs in that session', () => {
    const { ctx, session } = watchedChat({ enabled: false });
    expect(inactivityControl.deadline(session.state, ctx.rules)).toBeUndefined();
    ctx.clock.advance(1000);
    session.configureIdleControl({ enabled: 'true' });
    expect(inactivityControl.deadline(session.state, ctx.rules)).toBe(T0 + 1000 + ALERT);
  });
});

describe('configureIdleControl (ESP IdleControlConfigure)', () => {
  it('changes the live session’s parameters and restarts its timers', () => {
    const { ctx, session } = watchedChat();
    ctx.clock.set(T0 + ALERT);
    session.expire(); // alerted
    ctx.clock.advance(2000);
    const change = session.configureIdleControl({ 'timeout-alert': '5', 'timeout-alert2': '0', 'timeout-close': '3', 'message-alert': 'Hola?' });
    expect(change).toEqual({ events: [], closed: false, configured: true });
    expect(session.nextDeadline()).toBe(T0 + ALERT + 2000 + 5000);
    ctx.clock.advance(5000);
    expect(notices(session.expire().events)).toEqual([['IDLE_CONTROL_ALERT', 'Hola?']]);
    ctx.clock.advance(3000);
    expect(session.expire().closed).toBe(true);
  });

  it('merges with what was set before; reset-parameters=true goes back to [inactivity-control] first', () => {
    const { ctx, session } = watchedChat();
    session.configureIdleControl({ 'timeout-alert': '5', 'message-alert': 'A' });
    session.configureIdleControl({ 'timeout-close': '7' });
    expect(session.state.idleControl).toEqual({ alertMs: 5000, messageAlert: 'A', closeMs: 7000 });
    session.configureIdleControl({ 'reset-parameters': 'true', 'include-notices': 'all' });
    expect(session.state.idleControl).toEqual({ includeNotices: 'all' });
    session.configureIdleControl({ 'reset-parameters': 'true' });
    expect(session.state.idleControl).toBeUndefined();
    expect(session.nextDeadline()).toBe(ctx.clock.now() + ALERT);
  });

  it('enabled=false stops it in this session only', () => {
    const { ctx, session } = watchedChat();
    session.configureIdleControl({ enabled: 'false' });
    expect(inactivityControl.deadline(session.state, ctx.rules)).toBeUndefined();
  });

  it.each([
    [{ 'timeout-alert': '-5' }, 'timeout-alert'],
    [{ 'timeout-alert': 'soon' }, 'timeout-alert'],
    [{ 'timeout-close': '0' }, 'timeout-close'],
    [{ 'timeout-alert2': '86401' }, 'timeout-alert2'],
    [{ 'timeout-alert2': '1.5' }, 'timeout-alert2'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ 'include-notices': 'some' }, 'include-notices'],
    [{ 'reset-parameters': '1' }, 'reset-parameters'],
    [{ 'timeout-alert': '5', nonsense: 'x' }, 'nonsense'],
  ])('refuses %j naming %s; the session is unaffected', (parameters, name) => {
    const { ctx, session } = watchedChat();
    session.configureIdleControl({ 'timeout-close': '7' });
    const before = JSON.stringify(session.state);
    let message = '';
    try {
      session.configureIdleControl(parameters);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(name);
    expect(errorCode(() => session.configureIdleControl(parameters))).toBe('INVALID_ARGUMENT');
    expect(JSON.stringify(session.state)).toBe(before);
    expect(session.nextDeadline()).toBe(T0 + ALERT);
    expect(ctx.clock.now()).toBe(T0);
  });

  it('timeout-alert2=0 is accepted (no second alert)', () => {
    const { session } = watchedChat();
    session.configureIdleControl({ 'timeout-alert2': '0' });
    expect(session.state.idleControl).toEqual({ alert2Ms: 0 });
  });

  it('a message text longer than message-max-size is refused', () => {
    const { session } = watchedChat({}, { messageMaxSize: 10 });
    expect(errorCode(() => session.configureIdleControl({ 'message-close': 'x'.repeat(11) }))).toBe('TEXT_TOO_LONG');
  });

  it('is refused in a closed session', () => {
    const { session } = watchedChat();
    session.closeSession(false);
    expect(errorCode(() => session.configureIdleControl({ enabled: 'true' }))).toBe('SESSION_CLOSED');
  });
});

describe('restoration keeps inactivity control going', () => {
  it('the session’s own parameters, its idle period and its language come back with the stored state', () => {
    const languages = [{ name: 'Spanish', language: 'es', country: 'ES', useAsDefault: false, messages: { close: 'Sesión cerrada.' } }];
    const chat = startChat({ rules: rules({}, { languages }), userData: { GCTI_LanguageName: 'Spanish' } });
    const { ctx, session } = chat;
    // The customer is on a CometD connection (held elsewhere), so only the agent comes back after the restoration.
    session.attach(chat.customer.userId);
    join(session, agent());
    session.configureIdleControl({ 'timeout-alert': '30', 'timeout-alert2': '0', 'timeout-close': '5', 'message-alert': 'Hola?' });
    ctx.clock.advance(30_000);
    session.expire(); // alerted at T0 + 30 s
    const restored = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
    restored.restore();
    expect(restored.state.idleControl).toEqual({ alertMs: 30_000, alert2Ms: 0, closeMs: 5000, messageAlert: 'Hola?' });
    expect(restored.state.language).toBe('Spanish');
    // The agent was on the lost node: no agent, no watch, until one joins again (a new idle period).
    expect(inactivityControl.deadline(restored.state, ctx.rules)).toBeUndefined();
    join(restored, agent('Back'));
    expect(restored.nextDeadline()).toBe(T0 + 30_000 + 30_000);
    ctx.clock.set(T0 + 60_000);
    expect(notices(restored.expire().events)).toEqual([['IDLE_CONTROL_ALERT', 'Hola?']]);
    ctx.clock.advance(5000);
    expect(notices(restored.expire().events)).toEqual([['IDLE_CONTROL_CLOSE', 'Sesión cerrada.']]);
  });

  it('an alerted session keeps its step when its parties are all still there', () => {
    const { ctx, session } = watchedChat({}, {});
    ctx.clock.set(T0 + ALERT);
    session.expire();
    const copy = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
    expect(copy.nextDeadline()).toBe(T0 + ALERT + ALERT2);
  });
});
