import type { SessionRules } from '../rules';
import { LEAVE_REASONS, type KvList, type Participant } from '../types';
import { closeNow, removeParty } from './parties';
import { findParticipant, hasLiveParty } from './presence';
import type { SessionState } from './state';
import type { SessionTimer } from './timers';

/**
 * Protocol liveness of flex parties (customers), the guide's "How disconnects and idle timeouts work":
 * - short polling: a party with no request for `flex-disconnect-timeout` is removed (quit reason 3);
 * - CometD: while a live connection carries the party's events it is timed by `flex-push-timeout`, and each time
 *   that expires the connection confirms the party alive (the gateway holds the Bayeux client and drops the
 *   connection once the client is gone), which starts it again; once the connection is gone,
 *   `flex-disconnect-timeout` runs from then, as after GMS's "unsubscribe";
 * - push subscription (the Request Chat user data names a push device and type, or the session is async): only
 *   `flex-push-timeout`, connection or not. Expired with no live connection to confirm the party, it runs once
 *   more, and the party is removed at its end unless a request came in between.
 */

/** Request Chat user data that subscribes the customer to push notifications (both keys, non-empty). */
export const PUSH_DEVICE_KEY = 'push_notification_deviceid';
export const PUSH_TYPE_KEY = 'push_notification_type';

/** Whether Request Chat user data subscribes its customer to push notifications. */
export function subscribesToPush(userData: KvList): boolean {
  const device = userData[PUSH_DEVICE_KEY];
  const type = userData[PUSH_TYPE_KEY];
  return typeof device === 'string' && device.trim() !== '' && typeof type === 'string' && type.trim() !== '';
}

export const flexInactivity: SessionTimer = {
  deadline: (state, rules) => {
    let next: number | undefined;
    for (const p of state.participants) {
      const due = dueAt(state, p, rules);
      if (due !== undefined && (next === undefined || due < next)) next = due;
    }
    return next;
  },
  apply: (command, now) => {
    const { state, ctx } = command;
    for (const p of state.participants) {
      if (state.status === 'CLOSED') break;
      const due = dueAt(state, p, ctx.rules);
      if (due === undefined || now < due) continue;
      if (p.attachments > 0) {
        // Confirmed alive by its live connection: timed again from now.
        p.lastRequestAt = now;
        delete p.unconfirmedAt;
      } else if (usesPush(state, p) && p.unconfirmedAt === undefined) {
        p.unconfirmedAt = now;
      } else {
        removeParty(command, p, LEAVE_REASONS.disconnect, '3', {});
        if (!hasLiveParty(state)) closeNow(command, '3');
      }
    }
  },
};

/** When the party's liveness timer is next due; undefined for a party that is not a present flex party. */
function dueAt(state: SessionState, p: Participant, rules: SessionRules): number | undefined {
  if (!p.present || p.protocol !== 'FLEX') return undefined;
  if (p.attachments > 0 || usesPush(state, p)) return (p.unconfirmedAt ?? p.lastRequestAt) + rules.flexPushTimeoutMs;
  return p.lastRequestAt + rules.flexDisconnectTimeoutMs;
}

function usesPush(state: SessionState, p: Participant): boolean {
  return p.pushSubscribed === true || state.async !== undefined;
}

/** A flex party made a protocol request: its liveness timer starts again. */
export function touch(state: SessionState, userId: string, now: number): void {
  const party = findParticipant(state, userId);
  if (!party) return;
  party.lastRequestAt = now;
  delete party.unconfirmedAt;
}

/** A live connection now carries this party's events: `flex-push-timeout` times it, renewed while one does. */
export function attach(state: SessionState, userId: string, now: number): void {
  const party = findParticipant(state, userId);
  if (!party) return;
  party.attachments += 1;
  party.lastRequestAt = now;
  delete party.unconfirmedAt;
}

/** A live connection of this party ended: its liveness timer starts again from now. */
export function detach(state: SessionState, userId: string, now: number): void {
  const party = findParticipant(state, userId);
  if (!party || party.attachments === 0) return;
  party.attachments -= 1;
  party.lastRequestAt = now;
  delete party.unconfirmedAt;
}
