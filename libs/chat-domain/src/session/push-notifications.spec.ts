import { DEFAULT_RULES, type PushRules } from '../rules';
import { T0, agent, customer, join, makeContext, quitReason, startChat, supervisor } from '../test/helpers';
import type { KvList } from '../types';
import { ChatSession } from './chat-session';
import type { PushDecision } from './push-notifications';

const DELAY = 15_000;
const PUSH: PushRules = { ...DEFAULT_RULES.push, onJoin: true, resendAttempts: 2, resendDelayMs: DELAY, appDbid: '131' };
const SUBSCRIBE = { GCTI_Chat_PushSubscribe: 'true', GCTI_GMS_PushDeviceId: 'device-1', GCTI_GMS_PushDeviceType: 'customhttp' };
const PAYLOAD = { ...SUBSCRIBE, GCTI_GMS_PushIncludePayload: 'true' };
const RELIABLE = { ...PAYLOAD, GCTI_GMS_PushResend: 'true' };

function chat(userData: KvList, push: Partial<PushRules> = {}) {
  const started = startChat({ rules: { push: { ...PUSH, ...push } }, creator: customer({ userData }) });
  const a = join(started.session, agent('Bob'));
  return { ...started, agent: a };
}

/** The kinds (or notice types) of the events the notices carry, in order. */
function about(pushes: readonly PushDecision[] | undefined): string[] {
  return (pushes ?? []).map((p) => (p.event ? (p.event.kind === 'notice' ? p.event.noticeType : p.event.kind) : 'trigger'));
}

describe('push notifications of the subscribed customer', () => {
  describe('what notifies whom', () => {
    it('nothing at creation: the customer holds the reply to its Request Chat', () => {
      const ctx = makeContext({ push: PUSH });
      const { session, change } = ChatSession.create(ctx, { id: 'x', creator: customer({ userData: { ...PAYLOAD, GCTI_GMS_NotifyRequestor: 'true' } }) });
      expect(session.state.push).toMatchObject({ readTo: 1 });
      expect(change.events).toHaveLength(1);
      expect(change.pushes).toBeUndefined();
    });

    it('what others do that the customer sees: joins, messages, notices, a push URL, a departure', () => {
      const { session, agent: a } = chat(PAYLOAD);
      expect(about(session.message(a.userId, { text: 'hello' }).pushes)).toEqual(['message']);
      expect(about(session.notice(a.userId, { noticeType: 'PUSH_URL', text: 'https://example.com' }).pushes)).toEqual(['PUSH_URL']);
      expect(about(session.join(agent('Carl')).change.pushes)).toEqual(['newParty']);
      expect(about(session.leave(a.userId, 'KEEP_ALIVE').pushes)).toEqual(['partyLeft']);
    });

    it('not what the customer may not see: a coaching message, a VIP supervisor, a direct word to someone else', () => {
      const { session, agent: a } = chat(PAYLOAD);
      const sue = join(session, supervisor('Sue', 'ALL'));
      expect(session.join(supervisor('Vic', 'VIP')).change.pushes).toBeUndefined();
      expect(session.message(a.userId, { text: 'between us', visibility: 'INT' }).pushes).toBeUndefined();
      expect(session.message(a.userId, { text: 'psst', receiverId: sue.userId }).pushes).toBeUndefined();
    });

    it('not typing notices nor read confirmations', () => {
      const { session, agent: a } = chat(PAYLOAD);
      expect(session.notice(a.userId, { noticeType: 'TYPING_STARTED' }).pushes).toBeUndefined();
      expect(session.notice(a.userId, { noticeType: 'TYPING_STOPPED' }).pushes).toBeUndefined();
      expect(session.notice(a.userId, { noticeType: 'SYS_COMMAND', text: 'read-confirm', userData: { 'last-event-id': '2' } }).pushes).toBeUndefined();
    });

    it('the customer’s own activity only with GCTI_GMS_NotifyRequestor', () => {
      const quiet = chat(PAYLOAD);
      expect(quiet.session.message(quiet.customer.userId, { text: 'mine' }).pushes).toBeUndefined();
      const told = chat({ ...PAYLOAD, GCTI_GMS_NotifyRequestor: 'true' });
      expect(about(told.session.message(told.customer.userId, { text: 'mine' }).pushes)).toEqual(['message']);
    });

    it('nobody else is notified: an agent’s activity is not pushed to the agent, a session without subscription pushes nothing', () => {
      const { session, customer: c } = chat(PAYLOAD);
      expect(session.message(c.userId, { text: 'to the agent' }).pushes).toBeUndefined();
      const plain = startChat({ rules: { push: PUSH } });
      const a = join(plain.session, agent());
      expect(plain.session.message(a.userId, { text: 'hi' }).pushes).toBeUndefined();
      expect(plain.session.state.push).toBeUndefined();
    });
  });

  it('nothing while a live connection carries the customer’s events: what they carry counts as read', () => {
    const { ctx, session, agent: a, customer: c } = chat(RELIABLE);
    session.attach(c.userId);
    expect(session.message(a.userId, { text: 'live' }).pushes).toBeUndefined();
    expect(session.state.push?.resend).toBeUndefined();
    ctx.clock.set(T0 + 1000);
    session.detach(c.userId);
    const [next] = session.message(a.userId, { text: 'in the background' }).pushes ?? [];
    expect(next).toMatchObject({ attempt: 0, position: 4 });
  });

  describe('quit reason codes and the removal', () => {
    it('removed for protocol inactivity (3): a notice with the code, notify-position -1 and chatEnded, even without NotifyRequestor', () => {
      const { session, customer: c } = chat(PAYLOAD);
      const [notice] = session.removeBySystem(c.userId, '3').pushes ?? [];
      expect(notice).toMatchObject({ position: -1, chatEnded: true });
      expect(notice.event && quitReason(notice.event)).toBe('3');
    });

    it('its own logout (0) is its own activity: told with NotifyRequestor, carrying the code', () => {
      const quiet = chat(PAYLOAD);
      expect(quiet.session.leave(quiet.customer.userId, 'KEEP_ALIVE').pushes).toBeUndefined();
      const told = chat({ ...PAYLOAD, GCTI_GMS_NotifyRequestor: 'true' });
      const [notice] = told.session.leave(told.customer.userId, 'KEEP_ALIVE').pushes ?? [];
      expect(notice).toMatchObject({ position: -1, chatEnded: true });
      expect(notice.event && quitReason(notice.event)).toBe('0');
    });

    it('removed by the agent’s close (4): one notice, nothing after its departure', () => {
      const { session, agent: a } = chat(PAYLOAD);
      const pushes = session.leave(a.userId, 'FORCE_CLOSE').pushes ?? [];
      expect(about(pushes)).toEqual(['partyLeft', 'partyLeft']);
      expect(pushes.map((p) => p.event && quitReason(p.event))).toEqual(['0', '4']);
      expect(pushes.every((p) => p.chatEnded && p.position === -1)).toBe(true);
    });
  });

  describe('shapes', () => {
    it('with the payload: the event as the customer sees it, positions 1-based like the API', () => {
      const { session, agent: a, customer: c } = chat(PAYLOAD);
      const [notice] = session.message(a.userId, { text: 'hello' }).pushes ?? [];
      expect(notice).toEqual({
        id: `${session.id}-3-0`,
        userId: c.userId,
        at: T0,
        subscription: { deviceId: 'device-1', deviceType: 'customhttp', notifyRequestor: false, includePayload: true, resend: false },
        attempt: 0,
        position: 2,
        nextPosition: 4,
        chatEnded: false,
        secureKey: c.secureKey,
        content: { 'session-id': session.id, 'user-id': c.userId },
        event: session.state.transcript[2],
      });
    });

    it('without GCTI_GMS_PushIncludePayload: one notice per event, without the event', () => {
      const { session, agent: a } = chat(SUBSCRIBE);
      const pushes = session.message(a.userId, { text: 'hello' }).pushes ?? [];
      expect(pushes).toHaveLength(1);
      expect(pushes[0].event).toBeUndefined();
    });

    it('reliable delivery: one trigger per change, without payload, the first position not read', () => {
      const { session, agent: a } = chat(RELIABLE);
      session.message(a.userId, { text: 'one' });
      const pushes = session.leave(a.userId, 'KEEP_ALIVE', { text: 'bye' }).pushes ?? [];
      expect(about(pushes)).toEqual(['trigger']);
      expect(pushes[0]).toMatchObject({ attempt: 0, position: 2, nextPosition: 5, chatEnded: false });
    });

    it.each([
      [
        ['session-id', 'user-id'],
        ['session-id', 'user-id'],
      ],
      [['app-dbid'], ['app-dbid']],
      [
        ['secure-key', 'app-dbid'],
        ['app-dbid', 'secure-key'],
      ],
      [
        ['app-dbid', 'secure-key', 'session-id', 'user-id'],
        ['app-dbid', 'secure-key', 'session-id', 'user-id'],
      ],
    ] as const)('flex-push-content %j names exactly %j', (content, keys) => {
      const { session, agent: a, customer: c } = chat(RELIABLE, { content });
      const [notice] = session.message(a.userId, { text: 'x' }).pushes ?? [];
      expect(Object.keys(notice.content).sort()).toEqual(keys);
      const values = { 'app-dbid': '131', 'secure-key': c.secureKey, 'session-id': session.id, 'user-id': c.userId };
      for (const key of keys) expect(notice.content[key]).toBe(values[key]);
    });
  });

  describe('reliable resend', () => {
    it('resends while no refresh comes, each the next attempt after flex-push-resend-delay, at most flex-push-resend-attempts times', () => {
      const { ctx, session, agent: a } = chat(RELIABLE);
      const [first] = session.message(a.userId, { text: 'hello' }).pushes ?? [];
      expect(session.nextDeadline()).toBe(T0 + DELAY);
      ctx.clock.set(T0 + DELAY - 1);
      expect(session.expire().pushes).toBeUndefined();
      ctx.clock.set(T0 + DELAY);
      const [second] = session.expire().pushes ?? [];
      expect(second).toMatchObject({ attempt: 1, position: first.position, id: `${session.id}-3-1` });
      ctx.clock.set(T0 + 2 * DELAY);
      expect(session.expire().pushes?.map((p) => p.attempt)).toEqual([2]);
      ctx.clock.set(T0 + 10 * DELAY);
      expect(session.expire().pushes).toBeUndefined();
      expect(session.state.push?.resend).toBeUndefined();
    });

    it('a refresh stops it, and what the customer read is no longer announced', () => {
      const { ctx, session, agent: a, customer: c } = chat(RELIABLE);
      session.message(a.userId, { text: 'hello' });
      ctx.clock.set(T0 + 1000);
      expect(session.refreshed(c.userId)).toBe(true);
      expect(session.refreshed(c.userId)).toBe(false);
      ctx.clock.set(T0 + 5 * DELAY);
      expect(session.expire().pushes).toBeUndefined();
      const [next] = session.message(a.userId, { text: 'again' }).pushes ?? [];
      expect(next).toMatchObject({ attempt: 0, position: 4 });
    });

    it('a refresh by someone else does not stop it; no resend once the customer is gone; none with zero attempts', () => {
      const { ctx, session, agent: a, customer: c } = chat(RELIABLE);
      session.message(a.userId, { text: 'hello' });
      expect(session.refreshed(a.userId)).toBe(false);
      session.removeBySystem(c.userId, '3');
      ctx.clock.set(T0 + DELAY);
      expect(session.expire().pushes).toBeUndefined();
      const none = chat(RELIABLE, { resendAttempts: 0 });
      none.session.message(none.agent.userId, { text: 'x' });
      expect(none.session.state.push?.resend).toBeUndefined();
    });

    it('without GCTI_GMS_PushResend nothing is resent', () => {
      const { session, agent: a } = chat(PAYLOAD);
      session.message(a.userId, { text: 'hello' });
      expect(session.state.push?.resend).toBeUndefined();
      expect(session.nextDeadline()).not.toBe(T0 + DELAY);
    });
  });

  describe('restoration on another node', () => {
    /** Restored 1 s after the agent's message, the agent gone (`keepAgent`: still there, removed by the restoration). */
    function restored(push: Partial<PushRules>, keepAgent = false) {
      const { ctx, session, agent: a, customer: c } = chat(RELIABLE, push);
      session.message(a.userId, { text: 'hello' });
      if (!keepAgent) session.leave(a.userId, 'KEEP_ALIVE');
      ctx.clock.set(T0 + 1000);
      const copy = ChatSession.fromState(ctx, JSON.parse(JSON.stringify(session.state)));
      return { ctx, restoredSession: copy, change: copy.restore(), customer: c };
    }

    it('with session-restore-push-send the schedule goes on from its stored times, the customer stays on flex-push-timeout', () => {
      const { ctx, restoredSession, change, customer: c } = restored({ restoreSend: true });
      expect(change.pushes).toBeUndefined();
      expect(restoredSession.state.push?.resend).toMatchObject({ attempt: 0, dueAt: T0 + DELAY });
      expect(restoredSession.participant(c.userId)?.pushSubscribed).toBe(true);
      expect(restoredSession.nextDeadline()).toBe(T0 + DELAY);
      ctx.clock.set(T0 + DELAY);
      expect(restoredSession.expire().pushes?.map((p) => [p.attempt, p.id])).toEqual([[1, `${restoredSession.id}-4-1`]]);
    });

    it('with it, the agent’s removal by the restoration (8) is told: a new trigger, a new schedule', () => {
      const { restoredSession, change } = restored({ restoreSend: true }, true);
      expect(about(change.pushes)).toEqual(['trigger']);
      expect(restoredSession.state.push?.resend).toMatchObject({ attempt: 0, dueAt: T0 + 1000 + DELAY });
    });

    it('without it, notices stop and the customer is timed by flex-disconnect-timeout from the restoration', () => {
      const { ctx, restoredSession, change, customer: c } = restored({ restoreSend: false });
      expect(change.pushes).toBeUndefined();
      expect(restoredSession.state.push).toMatchObject({ stopped: true });
      expect(restoredSession.participant(c.userId)?.pushSubscribed).toBeUndefined();
      expect(restoredSession.nextDeadline()).toBe(T0 + 1000 + DEFAULT_RULES.flexDisconnectTimeoutMs);
      ctx.clock.set(T0 + 1000 + DELAY);
      expect(restoredSession.expire().pushes).toBeUndefined();
    });
  });
});
