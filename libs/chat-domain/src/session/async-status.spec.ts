import { ASYNC_CHECK_AT_KEY, ASYNC_STATUS_KEY } from './async-status';
import { ChatSession } from './chat-session';
import { SYSTEM_USER_ID } from './event-pipeline';
import type { Change } from './requests';
import { DEFAULT_RULES, type IdleNotices, type SessionRules } from '../rules';
import { T0, agent, bot, customer, errorCode, join, makeContext, quitReason, startChat, supervisor } from '../test/helpers';
import type { KvList, NoticeEvent, PartyLeftEvent } from '../types';

const ALERT = 10_000;
const CLOSE = 5_000;
const ALERT_TEXT = 'Are you still there?';
const CLOSE_TEXT = 'Closed for inactivity.';
const ASYNC = { GCTI_Chat_AsyncMode: 'true' };
const FILE_RULES: SessionRules['files'] = {
  uploadMaxFiles: 3,
  uploadMaxFileSize: 1000,
  uploadMaxTotalSize: 3000,
  uploadFileTypes: ['pdf'],
  uploadNeedAgent: true,
  downloadAttempts: 3,
};
const FILE = { 'file-name': 'a.pdf', 'file-size': '10', 'file-source': 'ucs', 'file-document-id': 'DOC1' };

/** GCTI_Chat_AsyncCheckAt for an idle period that started at `idleSince` (no alert yet). */
function checkAt(idleSince: number): string {
  return String(Math.ceil((idleSince + ALERT + CLOSE) / 1000));
}

const FRENCH = { name: 'French', language: 'fr', useAsDefault: false, messages: {} };

function asyncChat(rules: Partial<SessionRules> = {}) {
  return startChat({
    rules: {
      asyncIdleAlertMs: ALERT,
      asyncIdleCloseMs: CLOSE,
      inactivity: { ...DEFAULT_RULES.inactivity, messages: { alert: ALERT_TEXT, alert2: '', close: CLOSE_TEXT } },
      ...rules,
    },
    creator: customer({ userData: ASYNC }),
  });
}

function status(change: Change): string | undefined {
  return change.properties?.[ASYNC_STATUS_KEY];
}

describe('async mode at creation', () => {
  it('GCTI_Chat_AsyncMode=true in the creator user data makes the session async, status 1, check time after alert + close', () => {
    const ctx = makeContext({ asyncIdleAlertMs: ALERT, asyncIdleCloseMs: CLOSE });
    ctx.clock.advance(1); // not on a whole second: the check time is rounded up
    const { session, change } = ChatSession.create(ctx, { id: 'S1', creator: customer({ userData: ASYNC }) });
    expect(session.isAsync).toBe(true);
    const expected = { GCTI_Chat_AsyncStatus: '1', GCTI_Chat_AsyncCheckAt: String(T0 / 1000 + 16) };
    expect(session.interactionProperties()).toEqual(expected);
    expect(change.properties).toEqual(expected);
    expect(change.events.map((e) => e.kind)).toEqual(['newParty']);
  });

  it('the check time is a whole number of epoch seconds, as a string', () => {
    const { session } = asyncChat();
    expect(session.interactionProperties()[ASYNC_CHECK_AT_KEY]).toBe(checkAt(T0));
    expect(session.interactionProperties()[ASYNC_CHECK_AT_KEY]).toMatch(/^\d+$/);
  });

  it('the session user data given apart from the creator decides too', () => {
    const { session } = startChat({ userData: ASYNC });
    expect(session.isAsync).toBe(true);
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('1');
  });

  it.each<KvList>([{}, { GCTI_Chat_AsyncMode: 'false' }, { GCTI_Chat_AsyncMode: '' }])('user data %j: not async, no properties, no hold', (userData) => {
    const { ctx, session, customer: c } = startChat({ creator: customer({ userData }) });
    expect(session.isAsync).toBe(false);
    expect(session.interactionProperties()).toEqual({});
    expect(errorCode(() => session.placeOnHold())).toBe('NOT_ASYNC');
    join(session, agent());
    ctx.clock.advance(1000);
    expect(session.message(c.userId, { text: 'hi' }).properties).toBeUndefined();
    expect(session.configureSession({ asyncIdleReset: true }).properties).toBeUndefined();
  });

  it('placeOnHold on a closed session is refused as closed', () => {
    const { session } = asyncChat();
    session.closeSession(false);
    expect(errorCode(() => session.placeOnHold())).toBe('SESSION_CLOSED');
  });
});

describe('GCTI_Chat_AsyncStatus transitions', () => {
  it('a (non-bot) agent joining: -1, with the check time moved to the join', () => {
    const { ctx, session } = asyncChat();
    ctx.clock.advance(2000);
    const { change } = session.join(agent());
    expect(change.properties).toEqual({ GCTI_Chat_AsyncStatus: '-1', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 2000) });
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('-1');
  });

  it('a bot joining changes neither the status nor the check time', () => {
    const { ctx, session } = asyncChat();
    ctx.clock.advance(2000);
    const { change } = session.join(bot());
    expect(change.properties).toBeUndefined();
    expect(session.interactionProperties()).toEqual({ GCTI_Chat_AsyncStatus: '1', GCTI_Chat_AsyncCheckAt: checkAt(T0) });
  });

  it('placeOnHold: -2, no events', () => {
    const { session } = asyncChat();
    const change = session.placeOnHold();
    expect(change.events).toEqual([]);
    expect(change.closed).toBe(false);
    expect(change.properties).toEqual({ GCTI_Chat_AsyncStatus: '-2', GCTI_Chat_AsyncCheckAt: checkAt(T0) });
  });

  it('on hold with no agent: the customer message reports 2 exactly once', () => {
    const { ctx, session, customer: c } = asyncChat();
    const a = join(session, agent());
    session.leave(a.userId, 'KEEP_ALIVE');
    session.placeOnHold();
    ctx.clock.advance(3000);
    const first = session.message(c.userId, { text: 'any news?' });
    expect(first.properties).toEqual({ GCTI_Chat_AsyncStatus: '2', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 3000) });
    ctx.clock.advance(1000);
    const second = session.message(c.userId, { text: 'hello?' });
    expect(status(second)).toBeUndefined();
    expect(second.properties).toEqual({ GCTI_Chat_AsyncCheckAt: checkAt(T0 + 4000) });
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('2');
  });

  it('on hold with only a bot present: the customer message still reports 2', () => {
    const { session, customer: c } = asyncChat();
    join(session, bot());
    session.placeOnHold();
    expect(status(session.message(c.userId, { text: 'hi' }))).toBe('2');
  });

  it('on hold while an agent is present: a customer message does not report 2', () => {
    const { session, customer: c } = asyncChat();
    join(session, agent());
    session.placeOnHold();
    expect(status(session.message(c.userId, { text: 'hi' }))).toBeUndefined();
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('-2');
  });

  it('not placed on hold and no agent: a customer message changes no status (the guide: only after PlaceOnHold)', () => {
    const { ctx, session, customer: c } = asyncChat();
    ctx.clock.advance(1000);
    expect(session.message(c.userId, { text: 'hello' }).properties).toEqual({ GCTI_Chat_AsyncCheckAt: checkAt(T0 + 1000) });
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('1');

    // the same after an agent served and left without hold
    const a = join(session, agent());
    session.leave(a.userId, 'KEEP_ALIVE');
    expect(status(session.message(c.userId, { text: 'still there?' }))).toBeUndefined();
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('-1');
  });

  it('an agent joining ends the hold: after it leaves, a customer message reports nothing', () => {
    const { session, customer: c } = asyncChat();
    session.placeOnHold();
    const a = join(session, agent());
    session.leave(a.userId, 'KEEP_ALIVE');
    expect(status(session.message(c.userId, { text: 'hi' }))).toBeUndefined();
  });

  it('a customer notice that is not activity does not report 2; one that is does (async-idle-notices)', () => {
    const { session, customer: c } = asyncChat({ asyncIdleNotices: 'major' });
    session.placeOnHold();
    expect(session.notice(c.userId, { noticeType: 'TYPING_STARTED' }).properties).toBeUndefined();
    expect(status(session.notice(c.userId, { noticeType: 'PUSH_URL', text: 'https://example.com' }))).toBe('2');
  });

  it("an agent's connection dropped: 4", () => {
    const { ctx, session } = asyncChat();
    const a = join(session, agent());
    ctx.clock.advance(1000);
    const change = session.removeBySystem(a.userId, '3');
    expect(change.properties).toEqual({ GCTI_Chat_AsyncStatus: '4', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 1000) });
    expect(change.closed).toBe(false);
  });

  it("a bot's dropped connection and an agent removed for other reasons do not report 4", () => {
    const { session } = asyncChat();
    const b = join(session, bot());
    expect(status(session.removeBySystem(b.userId, '3'))).toBeUndefined();
    const a = join(session, agent());
    expect(status(session.removeBySystem(a.userId, '5'))).toBeUndefined();
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('-1');
  });

  it('an agent leaving with transferred: 5; without it, no change', () => {
    const { ctx, session } = asyncChat();
    const a = join(session, agent('A'));
    ctx.clock.advance(1000);
    const change = session.leave(a.userId, 'KEEP_ALIVE', { transferred: true });
    expect(change.properties).toEqual({ GCTI_Chat_AsyncStatus: '5', GCTI_Chat_AsyncCheckAt: checkAt(T0 + 1000) });
    expect(change.closed).toBe(false);
    expect((change.events[0] as PartyLeftEvent).quitReasonCode).toBe('0');

    const b = join(session, agent('B'));
    expect(status(session.leave(b.userId, 'KEEP_ALIVE'))).toBeUndefined();
    expect(session.interactionProperties()[ASYNC_STATUS_KEY]).toBe('-1');
  });

  it('a customer leaving with transferred does not report 5', () => {
    const { session, customer: c } = asyncChat();
    join(session, agent());
    expect(status(session.leave(c.userId, 'KEEP_ALIVE', { transferred: true }))).toBeUndefined();
  });
});

describe('async inactivity control', () => {
  it('after async-idle-alert without activity: IDLE_CONTROL_ALERT from the system, status 3, a new check time', () => {
    const { ctx, session, customer: c } = asyncChat();
    expect(session.nextDeadline()).toBe(T0 + ALERT);
    ctx.clock.set(T0 + ALERT - 1);
    expect(session.expire()).toEqual({ events: [], closed: false, drop: false });

    ctx.clock.set(T0 + ALERT + 2500); // the timer fires late: the close is counted from the alert
    const change = session.expire();
    expect(change.closed).toBe(false);
    expect(change.drop).toBe(false);
    expect(change.events).toHaveLength(1);
    const alert = change.events[0] as NoticeEvent;
    expect(alert).toMatchObject({
      kind: 'notice',
      noticeType: 'IDLE_CONTROL_ALERT',
      userId: SYSTEM_USER_ID,
      text: ALERT_TEXT,
      visibility: 'ALL',
      at: T0 + ALERT + 2500,
      userData: { 'next-idle-timer-type': 'CLOSE', 'next-idle-timer-secs': '5' },
    });
    const alertedAt = T0 + ALERT + 2500;
    expect(change.properties).toEqual({ GCTI_Chat_AsyncStatus: '3', GCTI_Chat_AsyncCheckAt: String(Math.ceil((alertedAt + CLOSE) / 1000)) });
    expect(session.interactionProperties()[ASYNC_CHECK_AT_KEY]).not.toBe(checkAt(T0));
    expect(session.eventsFor(c.userId).map((e) => e.eventId)).toContain(alert.eventId);
    expect(session.nextDeadline()).toBe(alertedAt + CLOSE);

    // nothing more until the close is due
    ctx.clock.set(alertedAt + CLOSE - 1);
    expect(session.expire().events).toEqual([]);
  });

  it('after async-idle-close more: IDLE_CONTROL_CLOSE, then everyone is removed with quit-reason-code 7', () => {
    const { ctx, session, customer: c } = asyncChat();
    ctx.clock.set(T0 + ALERT);
    session.expire();
    ctx.clock.set(T0 + ALERT + CLOSE);
    const change = session.expire();
    expect(change.closed).toBe(true);
    expect(change.drop).toBe(false);
    expect(change.events.map((e) => e.kind)).toEqual(['notice', 'partyLeft']);
    expect(change.events[0]).toMatchObject({ noticeType: 'IDLE_CONTROL_CLOSE', userId: SYSTEM_USER_ID, text: CLOSE_TEXT, visibility: 'ALL' });
    expect(change.events[1]).toMatchObject({ userId: c.userId, quitReasonCode: '7' });
    expect(quitReason(change.events[1])).toBe('7');
    expect(session.isClosed).toBe(true);
    expect(c.present).toBe(false);
    expect(session.nextDeadline()).toBe(T0 + ALERT + CLOSE + 60_000);
  });

  it('an agent present is removed too, with code 7; the idle control does not need an agent absent', () => {
    const { ctx, session } = asyncChat();
    const a = join(session, agent());
    ctx.clock.set(T0 + ALERT);
    expect((session.expire().events[0] as NoticeEvent).noticeType).toBe('IDLE_CONTROL_ALERT');
    ctx.clock.set(T0 + ALERT + CLOSE);
    const change = session.expire();
    expect(change.closed).toBe(true);
    const left = change.events.filter((e): e is PartyLeftEvent => e.kind === 'partyLeft');
    expect(left.map((e) => [e.userId === a.userId ? 'agent' : 'customer', e.quitReasonCode])).toEqual([
      ['customer', '7'],
      ['agent', '7'],
    ]);
  });

  it('a customer message restarts the idle period and moves the check time', () => {
    const { ctx, session, customer: c } = asyncChat();
    ctx.clock.set(T0 + 4000);
    expect(session.message(c.userId, { text: 'hi' }).properties).toEqual({ GCTI_Chat_AsyncCheckAt: checkAt(T0 + 4000) });
    expect(session.nextDeadline()).toBe(T0 + 4000 + ALERT);
    ctx.clock.set(T0 + ALERT);
    expect(session.expire().events).toEqual([]);
    ctx.clock.set(T0 + 4000 + ALERT);
    expect((session.expire().events[0] as NoticeEvent).noticeType).toBe('IDLE_CONTROL_ALERT');
  });

  it('an agent joining restarts the idle period', () => {
    const { ctx, session } = asyncChat();
    ctx.clock.set(T0 + 7000);
    join(session, agent());
    expect(session.nextDeadline()).toBe(T0 + 7000 + ALERT);
    expect(session.interactionProperties()[ASYNC_CHECK_AT_KEY]).toBe(checkAt(T0 + 7000));
  });

  it('activity after the alert cancels the close and starts a new idle period', () => {
    const { ctx, session, customer: c } = asyncChat();
    ctx.clock.set(T0 + ALERT);
    session.expire();
    ctx.clock.set(T0 + ALERT + 1000);
    expect(session.message(c.userId, { text: 'still here' }).properties).toEqual({ GCTI_Chat_AsyncCheckAt: checkAt(T0 + ALERT + 1000) });
    expect(session.nextDeadline()).toBe(T0 + ALERT + 1000 + ALERT);
    ctx.clock.set(T0 + ALERT + CLOSE);
    expect(session.expire()).toEqual({ events: [], closed: false, drop: false });
    expect(session.isClosed).toBe(false);
    // the next idle period starts with an alert again, not the close
    ctx.clock.set(T0 + ALERT + 1000 + ALERT);
    expect((session.expire().events[0] as NoticeEvent).noticeType).toBe('IDLE_CONTROL_ALERT');
  });

  it('the idle notices are not activity themselves', () => {
    const { ctx, session } = asyncChat();
    ctx.clock.set(T0 + ALERT);
    const change = session.expire();
    expect(change.events).toHaveLength(1);
    expect(session.nextDeadline()).toBe(T0 + ALERT + CLOSE);
  });

  describe('which notices count as activity (async-idle-notices)', () => {
    const notices = [
      { noticeType: 'PUSH_URL', text: 'https://example.com' },
      { noticeType: 'USER_CUSTOM', text: 'custom' },
      { noticeType: 'TYPING_STARTED' },
      { noticeType: 'TYPING_STOPPED' },
      { noticeType: 'USER_UPDATE_NICK', text: 'Ann' },
      { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '1' } },
    ];
    const counted: Record<IdleNotices, string[]> = {
      none: [],
      major: ['PUSH_URL'],
      major2: ['PUSH_URL', 'USER_CUSTOM'],
      typing: ['PUSH_URL', 'TYPING_STARTED'],
      all: ['PUSH_URL', 'USER_CUSTOM', 'TYPING_STARTED', 'TYPING_STOPPED', 'USER_UPDATE_NICK'],
    };

    it.each(Object.entries(counted))('%s counts %j', (level, expected) => {
      const found: string[] = [];
      for (const n of notices) {
        const { ctx, session, customer: c } = asyncChat({ asyncIdleNotices: level as IdleNotices });
        ctx.clock.set(T0 + 1000);
        const change = session.notice(c.userId, n);
        const moved = session.nextDeadline() === T0 + 1000 + ALERT;
        expect(change.properties?.[ASYNC_CHECK_AT_KEY] !== undefined).toBe(moved);
        if (!moved) expect(session.nextDeadline()).toBe(T0 + ALERT);
        if (moved) found.push(n.noticeType);
      }
      expect(found).toEqual(expected);
    });

    it.each([
      ['none', false],
      ['major', true],
      ['major2', true],
      ['typing', true],
      ['all', true],
    ] as const)('%s: file-uploaded and file-deleted notices count: %s', (level, countsAsActivity) => {
      const { ctx, session, customer: c } = asyncChat({ asyncIdleNotices: level, files: { ...FILE_RULES, uploadNeedAgent: false } });
      ctx.clock.set(T0 + 1000);
      session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'file-uploaded', userData: FILE });
      expect(session.nextDeadline()).toBe(countsAsActivity ? T0 + 1000 + ALERT : T0 + ALERT);
      ctx.clock.set(T0 + 2000);
      session.notice(c.userId, { noticeType: 'SYS_COMMAND', text: 'file-deleted', userData: { 'file-id': '1' } });
      expect(session.nextDeadline()).toBe(countsAsActivity ? T0 + 2000 + ALERT : T0 + ALERT);
    });
  });

  it('bot messages, INT messages and direct messages are not activity', () => {
    const { ctx, session, customer: c } = asyncChat();
    const b = join(session, bot());
    ctx.clock.set(T0 + 1000);
    const a = join(session, agent());
    const sup = join(session, supervisor('Sue', 'ALL'));
    expect(session.nextDeadline()).toBe(T0 + 1000 + ALERT);
    ctx.clock.set(T0 + 2000);
    expect(session.message(b.userId, { text: 'I am a bot' }).properties).toBeUndefined();
    expect(session.message(a.userId, { text: 'for agents only', visibility: 'INT' }).properties).toBeUndefined();
    expect(session.message(a.userId, { text: 'just for you', receiverId: c.userId }).properties).toBeUndefined();
    expect(session.message(sup.userId, { text: 'whisper', receiverId: a.userId }).properties).toBeUndefined();
    expect(session.notice(b.userId, { noticeType: 'PUSH_URL', text: 'https://bot.example.com' }).properties).toBeUndefined();
    expect(session.leave(b.userId, 'KEEP_ALIVE').properties).toBeUndefined();
    expect(session.nextDeadline()).toBe(T0 + 1000 + ALERT);
    expect(session.interactionProperties()[ASYNC_CHECK_AT_KEY]).toBe(checkAt(T0 + 1000));
  });

  it('configureSession({asyncIdleReset: true}) restarts the idle period, also after the alert', () => {
    const { ctx, session } = asyncChat();
    ctx.clock.set(T0 + 3000);
    const change = session.configureSession({ asyncIdleReset: true });
    expect(change.events).toEqual([]);
    expect(change.properties).toEqual({ GCTI_Chat_AsyncCheckAt: checkAt(T0 + 3000) });
    expect(session.nextDeadline()).toBe(T0 + 3000 + ALERT);

    ctx.clock.set(T0 + 3000 + ALERT);
    session.expire(); // alert
    ctx.clock.set(T0 + 3000 + ALERT + 1000);
    expect(session.configureSession({ asyncIdleReset: true }).properties).toEqual({ GCTI_Chat_AsyncCheckAt: checkAt(T0 + 3000 + ALERT + 1000) });
    expect(session.nextDeadline()).toBe(T0 + 3000 + ALERT + 1000 + ALERT);
    ctx.clock.set(T0 + 3000 + ALERT + CLOSE);
    expect(session.expire().closed).toBe(false);
  });

  it('configureSession ignores asyncIdleReset when a language code is given, as Genesys does', () => {
    const { ctx, session } = asyncChat({ languages: [FRENCH] });
    ctx.clock.advance(5000);
    expect(session.configureSession({ languageCode: 'fr-FR', asyncIdleReset: true }).properties).toBeUndefined();
    expect(session.state.language).toBe('French');
  });

  it('a closing session publishes no new check time, only its last status', () => {
    const { ctx, session } = asyncChat();
    const a = join(session, agent());
    ctx.clock.advance(5000);
    const change = session.leave(a.userId, 'FORCE_CLOSE');
    expect(change.closed).toBe(true);
    expect(change.properties?.[ASYNC_CHECK_AT_KEY]).toBeUndefined();
  });

  it('configureSession without asyncIdleReset leaves the idle timing alone', () => {
    const { ctx, session } = asyncChat({ languages: [FRENCH] });
    ctx.clock.set(T0 + 3000);
    expect(session.configureSession({ languageCode: 'fr' }).properties).toBeUndefined();
    expect(session.nextDeadline()).toBe(T0 + ALERT);
  });
});

describe('async customer inactivity (flex-push-timeout)', () => {
  const rules = { flexDisconnectTimeoutMs: 45_000, flexPushTimeoutMs: 200_000, asyncIdleAlertMs: 1_000_000, asyncIdleCloseMs: 1_000_000 };

  it('an async customer is timed out by flex-push-timeout, not flex-disconnect-timeout: once unconfirmed, removed at the next expiry', () => {
    const { ctx, session, customer: c } = startChat({ rules, creator: customer({ userData: ASYNC }) });
    expect(session.nextDeadline()).toBe(T0 + 200_000);
    ctx.clock.set(T0 + 45_000);
    expect(session.expire().events).toEqual([]);
    expect(c.present).toBe(true);
    ctx.clock.set(T0 + 200_000 - 1);
    expect(session.expire().events).toEqual([]);
    ctx.clock.set(T0 + 200_000);
    expect(session.expire().events).toEqual([]);
    expect(session.nextDeadline()).toBe(T0 + 400_000);
    ctx.clock.set(T0 + 400_000);
    const change = session.expire();
    expect(change.events).toHaveLength(1);
    expect(change.events[0]).toMatchObject({ kind: 'partyLeft', userId: c.userId, quitReasonCode: '3' });
    expect(change.closed).toBe(true);
  });

  it('a regular customer is still timed out by flex-disconnect-timeout', () => {
    const { ctx, session, customer: c } = startChat({ rules });
    expect(session.nextDeadline()).toBe(T0 + 45_000);
    ctx.clock.set(T0 + 45_000);
    session.expire();
    expect(c.present).toBe(false);
  });
});

describe('nextDeadline of an async session', () => {
  it('is the earlier of the customer timeout and the idle timer, then the close, then the end of retention', () => {
    const { ctx, session, customer: c } = asyncChat({ flexPushTimeoutMs: 4000, closedRetainMs: 60_000 });
    expect(session.nextDeadline()).toBe(T0 + 4000);
    session.attach(c.userId);
    // Its live connection confirms the customer at each flex-push-timeout.
    for (let at = 4000; at < ALERT; at += 4000) {
      ctx.clock.set(T0 + at);
      expect(session.expire().events).toEqual([]);
    }
    expect(session.nextDeadline()).toBe(T0 + ALERT);
    ctx.clock.set(T0 + ALERT);
    session.expire();
    expect(session.nextDeadline()).toBe(T0 + 12_000);
    ctx.clock.set(T0 + 12_000);
    session.expire();
    expect(session.nextDeadline()).toBe(T0 + ALERT + CLOSE);
    ctx.clock.set(T0 + ALERT + CLOSE);
    expect(session.expire().closed).toBe(true);
    expect(session.nextDeadline()).toBe(T0 + ALERT + CLOSE + 60_000);
  });

  it('a non-async session has no idle timer', () => {
    const { session, customer: c } = startChat({ rules: { asyncIdleAlertMs: ALERT, flexPushTimeoutMs: 2 * ALERT } });
    session.attach(c.userId);
    expect(session.nextDeadline()).toBe(T0 + 2 * ALERT);
  });
});
