import type { SessionRules } from '../rules';
import { setAsyncStatus } from './async-status';
import type { Command } from './command';
import { appendSystemNotice } from './event-pipeline';
import { closeNow } from './parties';
import { idleTexts } from './inactivity-tracking';
import { inactivityControl } from './inactivity-control';
import { flexInactivity } from './liveness';
import { pushResend } from './push-notifications';
import { ASYNC_STATUS, type SessionState } from './state';

export { flexInactivity } from './liveness';

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

export const SESSION_TIMERS: readonly SessionTimer[] = [closedRetention, flexInactivity, asyncIdle, inactivityControl, pushResend];

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
