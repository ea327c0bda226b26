import type { IdleTexts, InactivityRules, SessionRules } from '../rules';
import type { ChatEvent } from '../types';
import { isAsyncActivity } from './async-status';
import type { Command } from './command';
import type { EventActor } from './event-pipeline';
import { sessionLanguage } from './language';
import { findParticipant, hasLiveAgent } from './presence';
import type { SessionState } from './state';

/**
 * What inactivity control (inactivity-control.ts) reads of a session: its parameters and texts, whether it is
 * watched, and where its idle period stands, which a step of the event pipeline keeps (apart from the timer, which
 * appends notices, so that the pipeline does not depend on it).
 */

/** The steps of an idle period: waiting for the alert, alerted once, alerted twice. */
export const ALERT = 0;
export const ALERTED = 1;
export const ALERTED_TWICE = 2;

/** The session's inactivity-control parameters: `[inactivity-control]` with what a workflow set for this session. */
export function idleParameters(state: SessionState, rules: SessionRules): InactivityRules {
  const own = state.idleControl;
  const base = rules.inactivity;
  if (!own) return base;
  return {
    enabled: own.enabled ?? base.enabled,
    alertMs: own.alertMs ?? base.alertMs,
    alert2Ms: own.alert2Ms ?? base.alert2Ms,
    closeMs: own.closeMs ?? base.closeMs,
    includeNotices: own.includeNotices ?? base.includeNotices,
    messages: base.messages,
  };
}

/** The texts of the session's idle notices: what the workflow set, else its language's, else `[inactivity-control]`'s. */
export function idleTexts(state: SessionState, rules: SessionRules): IdleTexts {
  const own = state.idleControl;
  const spoken = sessionLanguage(state, rules)?.messages;
  const base = rules.inactivity.messages;
  if (!own && !spoken) return base;
  return {
    alert: own?.messageAlert ?? spoken?.alert ?? base.alert,
    alert2: own?.messageAlert2 ?? spoken?.alert2 ?? base.alert2,
    close: own?.messageClose ?? spoken?.close ?? base.close,
  };
}

/** A customer and an agent other than a bot are in the session: inactivity control watches it. */
export function watched(state: SessionState): boolean {
  return state.participants.some((p) => p.present && p.userType === 'CLIENT') && hasLiveAgent(state);
}

/** A new idle period starts at `at`: the alert is next. */
export function restart(state: SessionState, at: number): void {
  if (state.idle) {
    state.idle.since = at;
    state.idle.step = ALERT;
  } else state.idle = { since: at, step: ALERT };
}

/**
 * A step of the event pipeline: activity in a watched session starts a new idle period, as does a customer joining
 * (an agent joining is activity already), for either may start the watch. Nothing is kept while inactivity control
 * is off or the session unwatched.
 */
export function trackInactivity(command: Command, event: ChatEvent, _actor: EventActor): void {
  const { state, ctx } = command;
  if (!state.idleControl && !ctx.rules.inactivity.enabled) return;
  const parameters = idleParameters(state, ctx.rules);
  if (!parameters.enabled) return;
  const party = findParticipant(state, event.userId);
  // Unwatched, nothing is kept (a dormant session with no agent holds no idle record): the join that starts the
  // watch starts the idle period.
  if (!party || !watched(state)) return;
  if (isAsyncActivity(event, party, parameters.includeNotices) || (event.kind === 'newParty' && party.userType === 'CLIENT')) restart(state, event.at);
}

/** The wait of the step the idle period is at. */
export function wait(parameters: InactivityRules, step: number): number {
  if (step === ALERT) return parameters.alertMs;
  if (step === ALERTED && parameters.alert2Ms > 0) return parameters.alert2Ms;
  return parameters.closeMs;
}
