import { ChatError } from '../errors';
import type { IdleNotices, SessionRules } from '../rules';
import { assertAlive, checkText } from './checks';
import type { Command } from './command';
import { appendSystemNotice } from './event-pipeline';
import { ALERT, ALERTED, ALERTED_TWICE, idleParameters, idleTexts, restart, wait, watched } from './inactivity-tracking';
import { closeNow } from './parties';
import type { IdleControlOverrides } from './state';
import type { SessionTimer } from './timers';

/**
 * Inactivity control (`[inactivity-control]`, the guide's "Inactivity Monitoring"). It watches a session while at
 * least one customer and one agent (a bot is no agent) are in it: no activity for `timeout-alert` sends the alert,
 * `timeout-alert2` more the second alert (only when above 0), `timeout-close` more the close notice, and the session
 * closes, every party removed with quit reason 7. Activity, anything everyone sees and no bot made (a message, an
 * agent joining or leaving, a notice of the kinds `include-notices` names), starts the wait for the alert again. An
 * empty text sends no notice; the timer still runs. A workflow may give a session parameters of its own (ESP
 * `IdleControlConfigure`); the session's language may give other texts.
 */

export const inactivityControl: SessionTimer = {
  deadline: (state, rules) => {
    const idle = state.idle;
    if (!idle || state.status === 'CLOSED') return undefined;
    const parameters = idleParameters(state, rules);
    if (!parameters.enabled || !watched(state)) return undefined;
    return idle.since + wait(parameters, idle.step);
  },
  apply: (command, now) => {
    const { state, ctx } = command;
    const idle = state.idle;
    if (!idle) return;
    const parameters = idleParameters(state, ctx.rules);
    const texts = idleTexts(state, ctx.rules);
    const secondAlert = idle.step === ALERTED && parameters.alert2Ms > 0;
    if (idle.step === ALERT || secondAlert) {
      idle.step = secondAlert ? ALERTED_TWICE : ALERTED;
      idle.since = now;
      const nextIsAlert2 = idle.step === ALERTED && parameters.alert2Ms > 0;
      const text = secondAlert ? texts.alert2 : texts.alert;
      if (text !== '') {
        appendSystemNotice(command, 'IDLE_CONTROL_ALERT', text, {
          'next-idle-timer-type': nextIsAlert2 ? 'ALERT' : 'CLOSE',
          'next-idle-timer-secs': String(Math.round(wait(parameters, idle.step) / 1000)),
        });
      }
      return;
    }
    if (texts.close !== '') appendSystemNotice(command, 'IDLE_CONTROL_CLOSE', texts.close);
    closeNow(command, '7');
  },
};

/** `IdleControlConfigure` parameters: timeouts in seconds. */
const TIMEOUTS = { 'timeout-alert': 'alertMs', 'timeout-alert2': 'alert2Ms', 'timeout-close': 'closeMs' } as const;
const TEXTS = { 'message-alert': 'messageAlert', 'message-alert2': 'messageAlert2', 'message-close': 'messageClose' } as const;
const NOTICE_LEVELS: readonly IdleNotices[] = ['none', 'major', 'major2', 'typing', 'all'];
/** Longest timeout, as `[inactivity-control]` allows it (seconds). */
export const MAX_IDLE_TIMEOUT_S = 86_400;

/**
 * ESP `IdleControlConfigure`: the session's own parameters change (`reset-parameters=true` first drops those set
 * before) and a running idle period starts again. Every parameter is checked first: a refused request changes nothing.
 */
export function configureIdleControl(command: Command, parameters: Readonly<Record<string, string>>): void {
  const { state } = command;
  assertAlive(state);
  const given = parseIdleParameters(command.ctx.rules, parameters);
  const reset = parameters['reset-parameters'] === 'true';
  const own = { ...(reset ? {} : state.idleControl), ...given };
  if (Object.keys(own).length > 0) state.idleControl = own;
  else delete state.idleControl;
  restart(state, command.ctx.clock.now());
  command.configured = true;
}

function parseIdleParameters(rules: SessionRules, parameters: Readonly<Record<string, string>>): IdleControlOverrides {
  const own: IdleControlOverrides = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (name === 'reset-parameters' || name === 'enabled') {
      if (value !== 'true' && value !== 'false') throw refused(name, 'expected true or false', value);
      if (name === 'enabled') own.enabled = value === 'true';
    } else if (name === 'include-notices') {
      if (!NOTICE_LEVELS.includes(value as IdleNotices)) throw refused(name, `expected one of ${NOTICE_LEVELS.join(', ')}`, value);
      own.includeNotices = value as IdleNotices;
    } else if (Object.hasOwn(TIMEOUTS, name)) {
      const min = name === 'timeout-alert2' ? 0 : 1;
      const seconds = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
      if (!(seconds >= min && seconds <= MAX_IDLE_TIMEOUT_S)) throw refused(name, `expected whole seconds from ${min} to ${MAX_IDLE_TIMEOUT_S}`, value);
      own[TIMEOUTS[name as keyof typeof TIMEOUTS]] = seconds * 1000;
    } else if (Object.hasOwn(TEXTS, name)) {
      own[TEXTS[name as keyof typeof TEXTS]] = checkText(rules, value, name);
    } else {
      throw new ChatError('INVALID_ARGUMENT', `unknown inactivity-control parameter "${name.slice(0, 40)}"`);
    }
  }
  return own;
}

function refused(name: string, expected: string, value: string): ChatError {
  return new ChatError('INVALID_ARGUMENT', `${name}: ${expected}, got "${value.slice(0, 40)}"`);
}
