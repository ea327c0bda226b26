import { T0, agent, customer, join, startChat } from '../test/helpers';
import type { KvList, PartyLeftEvent } from '../types';

const DISCONNECT = 45_000;
const PUSH = 600_000;
const RULES = { flexDisconnectTimeoutMs: DISCONNECT, flexPushTimeoutMs: PUSH };
const PUSH_DATA = { push_notification_deviceid: 'device-1', push_notification_type: 'customhttp' };

function removed(events: readonly { kind: string }[]): string[] {
  return events.filter((e): e is PartyLeftEvent => e.kind === 'partyLeft').map((e) => e.quitReasonCode);
}

describe('customer liveness: the guide’s three modes', () => {
  describe('short polling', () => {
    it('a customer with no request for flex-disconnect-timeout is removed (3), not one that polls', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES });
      join(session, agent());
      ctx.clock.set(T0 + DISCONNECT - 1);
      session.touch(c.userId);
      ctx.clock.set(T0 + DISCONNECT);
      expect(session.expire().events).toEqual([]);
      ctx.clock.set(T0 + 2 * DISCONNECT - 1);
      expect(removed(session.expire().events)).toEqual(['3']);
    });
  });

  describe('CometD only', () => {
    it('while subscribed the customer is timed by flex-push-timeout, and its live connection confirms it alive at each expiry', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES });
      join(session, agent());
      session.attach(c.userId);
      expect(session.nextDeadline()).toBe(T0 + PUSH);
      for (let period = 1; period <= 3; period += 1) {
        ctx.clock.set(T0 + period * PUSH);
        expect(session.expire().events).toEqual([]);
        expect(session.nextDeadline()).toBe(T0 + (period + 1) * PUSH);
      }
      expect(c.present).toBe(true);
    });

    it('once the CometD client is gone, flex-disconnect-timeout runs from then; a new subscription hands it back to flex-push-timeout', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES });
      join(session, agent());
      session.attach(c.userId);
      ctx.clock.set(T0 + 1000);
      session.detach(c.userId);
      expect(session.nextDeadline()).toBe(T0 + 1000 + DISCONNECT);
      ctx.clock.set(T0 + 2000);
      session.attach(c.userId);
      expect(session.nextDeadline()).toBe(T0 + 2000 + PUSH);
      ctx.clock.set(T0 + 3000);
      session.detach(c.userId);
      ctx.clock.set(T0 + 3000 + DISCONNECT);
      expect(removed(session.expire().events)).toEqual(['3']);
    });
  });

  describe('push subscription (Request Chat user data push_notification_deviceid and push_notification_type)', () => {
    it('only flex-push-timeout applies; unconfirmed at its expiry it runs once more, then the customer is removed (3)', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES, creator: customer({ userData: PUSH_DATA }) });
      join(session, agent());
      expect(c.pushSubscribed).toBe(true);
      expect(session.nextDeadline()).toBe(T0 + PUSH);
      ctx.clock.set(T0 + DISCONNECT);
      expect(session.expire().events).toEqual([]);
      ctx.clock.set(T0 + PUSH);
      expect(session.expire().events).toEqual([]);
      expect(c.present).toBe(true);
      expect(session.nextDeadline()).toBe(T0 + 2 * PUSH);
      ctx.clock.set(T0 + 2 * PUSH);
      expect(removed(session.expire().events)).toEqual(['3']);
    });

    it('a request after the unconfirmed expiry starts flex-push-timeout again', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES, creator: customer({ userData: PUSH_DATA }) });
      join(session, agent());
      ctx.clock.set(T0 + PUSH);
      session.expire();
      ctx.clock.set(T0 + PUSH + 5000);
      session.touch(c.userId);
      expect(session.nextDeadline()).toBe(T0 + 2 * PUSH + 5000);
      ctx.clock.set(T0 + 2 * PUSH);
      expect(session.expire().events).toEqual([]);
      expect(c.present).toBe(true);
    });

    it('a CometD disconnect does not bring flex-disconnect-timeout back', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES, creator: customer({ userData: PUSH_DATA }) });
      join(session, agent());
      session.attach(c.userId);
      ctx.clock.set(T0 + 1000);
      session.detach(c.userId);
      expect(session.nextDeadline()).toBe(T0 + 1000 + PUSH);
      ctx.clock.set(T0 + 1000 + DISCONNECT);
      expect(session.expire().events).toEqual([]);
    });

    it('takes both keys with a value: one alone, or an empty one, leaves the customer on flex-disconnect-timeout', () => {
      const partial: KvList[] = [
        { push_notification_deviceid: 'device-1' },
        { push_notification_type: 'fcm' },
        { push_notification_deviceid: ' ', push_notification_type: 'fcm' },
      ];
      for (const userData of partial) {
        const { session, customer: c } = startChat({ rules: RULES, creator: customer({ userData }) });
        expect(c.pushSubscribed).toBeUndefined();
        expect(session.nextDeadline()).toBe(T0 + DISCONNECT);
      }
    });

    it('is the creator’s own: a second customer who joins later polls under flex-disconnect-timeout', () => {
      const { ctx, session, customer: c } = startChat({ rules: RULES, creator: customer({ userData: PUSH_DATA }) });
      ctx.clock.set(T0 + 1000);
      const second = join(session, customer({ nickname: 'Second' }));
      expect(session.nextDeadline()).toBe(T0 + 1000 + DISCONNECT);
      ctx.clock.set(T0 + 1000 + DISCONNECT);
      session.expire();
      expect(second.present).toBe(false);
      expect(c.present).toBe(true);
    });
  });
});
