import type { SessionRules } from '../rules';
import { LEAVE_REASONS } from '../types';
import { setAsyncStatus } from './async-status';
import type { Command } from './command';
import { appendSystemNotice } from './event-pipeline';
import { findParticipant, hasLiveParty } from './presence';
import { closeNow, removeParty } from './parties';
import { idleTexts } from './inactivity-tracking';
import { inactivityControl } from './inactivity-control';
import { ASYNC_STATUS, type SessionState } from './state';

/**
 * The session's timers. Each says when it is next due (from the state alone, so a restored session goes on from
 * its stored times) and applies itself when due. `nextDeadline` is the earliest of them; `expireTimers` asks each
 * in this order, so one that closes the session stops those that run only while it is open. A new deadline is one
 * more timer in `SESSION_TIMERS`.
 */
export interface SessionTimer {
  /** When the timer is next due, or undefined while it does not run. */
  deadline(state: SessionState, rules: SessionRules): number | undefined;
  /** Does what the timer does once due at `now`. */
  apply(command: Command, now: number): void;
}

/** A closed session stays readable for `closed-session-retain-time`, then may be forgotten. */
export const closedRetention: SessionTimer = {
  deadline: (state, rules) => (state.status === 'CLOSED' ? (state.closedAt ?? 0) + rules.closedRetainMs : undefined),
  apply: (command) => {
    command.drop = true;
  },
};

/**
 * A flex party (the customer) with no request and no live connection for `flex-disconnect-timeout` is removed
 * (quit reason 3), or in an async session after `flex-push-timeout`.
 */
export const flexInactivity: SessionTimer = {
  deadline: (state, rules) => {
    let next: number | undefined;
    for (const p of state.participants) {
      if (!p.present || p.protocol !== 'FLEX' || p.attachments > 0) continue;
      const due = p.lastRequestAt + flexTimeout(state, rules);
      if (next === undefined || due < next) next = due;
    }
    return next;
  },
  apply: (command, now) => {
    const { state, ctx } = command;
    for (const p of state.participants) {
      if (state.status === 'CLOSED') break;
      if (p.present && p.protocol === 'FLEX' && p.attachments === 0 && now >= p.lastRequestAt + flexTimeout(state, ctx.rules)) {
        removeParty(command, p, LEAVE_REASONS.disconnect, '3', {});
        if (!hasLiveParty(state)) closeNow(command, '3');
      }
    }
  },
};

function flexTimeout(state: SessionState, rules: SessionRules): number {
  return state.async ? rules.flexPushTimeoutMs : rules.flexDisconnectTimeoutMs;
}

/** Async inactivity: the idle alert (status 3) after `async-idle-alert`, the close after `async-idle-close` more. */
export const asyncIdle: SessionTimer = {
  deadline: (state, rules) => {
    const a = state.async;
    if (!a || state.status === 'CLOSED') return undefined;
    return a.alertedAt !== undefined ? a.alertedAt + rules.asyncIdleCloseMs : a.idleSince + rules.asyncIdleAlertMs;
  },
  apply: (command, now) => {
    const a = command.state.async;
    if (!a) return;
    const { rules } = command.ctx;
    if (a.alertedAt === undefined) {
      a.alertedAt = now;
      appendSystemNotice(command, 'IDLE_CONTROL_ALERT', idleTexts(command.state, rules).alert, {
        'next-idle-timer-type': 'CLOSE',
        'next-idle-timer-secs': String(Math.round(rules.asyncIdleCloseMs / 1000)),
      });
      setAsyncStatus(command, ASYNC_STATUS.idle);
      return;
    }
    appendSystemNotice(command, 'IDLE_CONTROL_CLOSE', idleTexts(command.state, rules).close);
    closeNow(command, '7');
  },
};

export const SESSION_TIMERS: readonly SessionTimer[] = [closedRetention, flexInactivity, asyncIdle, inactivityControl];

/** When the session next needs `expireTimers`: the earliest deadline of its timers. */
export function nextDeadline(state: SessionState, rules: SessionRules): number | undefined {
  let next: number | undefined;
  for (const timer of SESSION_TIMERS) {
    const due = timer.deadline(state, rules);
    if (due !== undefined && (next === undefined || due < next)) next = due;
  }
  return next;
}

/** Applies every timer due at `now`. */
export function expireTimers(command: Command, now: number): void {
  for (const timer of SESSION_TIMERS) {
    const due = timer.deadline(command.state, command.ctx.rules);
    if (due !== undefined && now >= due) timer.apply(command, now);
  }
}

/** A flex party made a protocol request: its inactivity timer starts again. */
export function touch(state: SessionState, userId: string, now: number): void {
  const party = findParticipant(state, userId);
  if (party) party.lastRequestAt = now;
}

/** A live connection now carries this party's events; while one does, it cannot time out. */
export function attach(state: SessionState, userId: string): void {
  const party = findParticipant(state, userId);
  if (party) party.attachments += 1;
}

/** A live connection of this party ended: its inactivity timer starts again. */
export function detach(state: SessionState, userId: string, now: number): void {
  const party = findParticipant(state, userId);
  if (!party || party.attachments === 0) return;
  party.attachments -= 1;
  party.lastRequestAt = now;
}
