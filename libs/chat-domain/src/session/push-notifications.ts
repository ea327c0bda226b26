import type { PushContentKey, PushRules } from '../rules';
import type { ChatEvent, Participant } from '../types';
import type { Command } from './command';
import { findParticipant } from './presence';
import type { PushSubscription } from './push-subscription';
import { readPushSubscription } from './push-subscription';
import { isReadConfirm } from './read-confirmations';
import type { PushState, SessionState } from './state';
import type { SessionTimer } from './timers';
import { viewFor } from './views';

/**
 * Push notifications of the subscribed customer (the guide's "Push notifications via GMS to HTTP server" and
 * "Reliable push notifications delivery"). What a change tells the customer:
 * - an event it may see (visibility, direct messages, nothing after its own departure) that it has not read yet;
 * - not typing notices nor read confirmations: passing signals, a device woken for each would wake for nothing;
 * - nothing while a live connection (CometD) carries the customer's events: they reach it as they happen;
 * - its own activity only with `GCTI_GMS_NotifyRequestor`; its removal by anyone else (quit reason 3, 4, 5, 7, 8)
 *   always, with `notify-position` -1 and `chatEnded`. Its own logout (quit reason 0) is its own activity. Both
 *   party-left events carry `GCTI_SYSTEM/quit-reason-code`, which the customer sees in no reply of the API (it is
 *   gone by then): the payload of the notice is where 0 and 3 reach it;
 * - with `GCTI_GMS_PushResend` (reliable delivery) one notice per change, a `PushUrl` trigger to refresh without
 *   payload, resent while no refresh comes (`flex-push-resend-delay`, at most `flex-push-resend-attempts` times);
 *   otherwise one notice per event, carrying it with `GCTI_GMS_PushIncludePayload`.
 * `position` is 1-based like the API's `index`: the first entry the customer has not read (-1: removed).
 */
export interface PushDecision {
  /** Stable for this notice: `<session>-<event id>-<attempt>`. */
  id: string;
  userId: string;
  at: number;
  subscription: PushSubscription;
  attempt: number;
  position: number;
  /** The API's `nextPosition`: transcript length + 1. */
  nextPosition: number;
  chatEnded: boolean;
  secureKey: string;
  /** `flex-push-content`: the customer's identity for the REST API. */
  content: Partial<Record<PushContentKey, string>>;
  /** The event as the customer sees it (payload subscriptions only). */
  event?: ChatEvent;
}

/** Subscribes the session's creator when its user data asks for it (refused when malformed: push-subscription.ts). */
export function subscribe(state: SessionState, creator: Participant, rules: PushRules): void {
  const subscription = readPushSubscription(state.userData, rules);
  if (!subscription) return;
  creator.pushSubscribed = true;
  state.push = { userId: creator.userId, subscription, readTo: state.transcript.length };
}

/** The notices of a command's events (called as it finishes); nothing for a session without a subscription. */
export function decidePushes(command: Command, events: readonly ChatEvent[]): void {
  const { state, ctx } = command;
  const push = state.push;
  if (!push || push.stopped) return;
  const customer = findParticipant(state, push.userId);
  if (!customer) return;
  if (customer.attachments > 0 && customer.present) {
    // Its live connection (CometD) delivers the change as it happens: read, nothing to push (GMS pushes only once
    // the client has gone to the background and dropped its connection).
    refreshed(state, customer.userId);
    return;
  }
  const { subscription } = push;
  let trigger: ChatEvent | undefined;
  for (const event of events) {
    if (event.position < push.readTo || !notifies(event, customer, subscription)) continue;
    const shown = viewFor(state, event, customer, ctx.rules.pii);
    if (!shown) continue;
    if (subscription.resend) trigger = event;
    else command.addPush(notice(command, push, customer, event.eventId, 0, subscription.includePayload ? shown : undefined));
  }
  if (!trigger) return;
  command.addPush(notice(command, push, customer, trigger.eventId, 0));
  const { resendAttempts, resendDelayMs } = ctx.rules.push;
  if (customer.present && state.status !== 'CLOSED' && resendAttempts > 0) {
    push.resend = { attempt: 0, dueAt: ctx.clock.now() + resendDelayMs, eventId: trigger.eventId };
  } else {
    delete push.resend;
  }
}

function notifies(event: ChatEvent, customer: Participant, subscription: PushSubscription): boolean {
  if (event.kind === 'notice' && (event.noticeType === 'TYPING_STARTED' || event.noticeType === 'TYPING_STOPPED' || isReadConfirm(event))) return false;
  if (event.userId !== customer.userId) return true;
  if (event.kind === 'partyLeft' && event.quitReasonCode !== '0') return true;
  return subscription.notifyRequestor;
}

/** Reliable delivery: a resend when no refresh came for `flex-push-resend-delay`, the next attempt each time. */
export const pushResend: SessionTimer = {
  deadline: (state) => state.push?.resend?.dueAt,
  apply: (command, now) => {
    const { state, ctx } = command;
    const push = state.push;
    const resend = push?.resend;
    if (!push || !resend) return;
    const customer = findParticipant(state, push.userId);
    if (!customer?.present || state.status === 'CLOSED') {
      delete push.resend;
      return;
    }
    const attempt = resend.attempt + 1;
    command.addPush(notice(command, push, customer, resend.eventId, attempt));
    if (attempt >= ctx.rules.push.resendAttempts) delete push.resend;
    else push.resend = { attempt, dueAt: now + ctx.rules.push.resendDelayMs, eventId: resend.eventId };
  },
};

/** The customer read the transcript (a refresh): what it had not read is read, and resending stops (answers whether it was scheduled). */
export function refreshed(state: SessionState, userId: string): boolean {
  const push = state.push;
  if (push?.userId !== userId) return false;
  push.readTo = state.transcript.length;
  const scheduled = push.resend !== undefined;
  delete push.resend;
  return scheduled;
}

/**
 * Restoration on another node. With `session-restore-push-send` the session goes on as it was (its resend schedule
 * from its stored times). Without it, notices stop, and push-subscribed customers are timed by
 * `flex-disconnect-timeout` again, from now.
 */
export function restorePush(state: SessionState, rules: PushRules, now: number): void {
  if (rules.restoreSend) return;
  if (state.push) {
    state.push.stopped = true;
    delete state.push.resend;
  }
  for (const p of state.participants) {
    if (!p.pushSubscribed) continue;
    delete p.pushSubscribed;
    delete p.unconfirmedAt;
    p.lastRequestAt = now;
  }
}

function notice(command: Command, push: PushState, customer: Participant, eventId: number, attempt: number, event?: ChatEvent): PushDecision {
  const { state, ctx } = command;
  const removed = !customer.present;
  return {
    id: `${state.id}-${eventId}-${attempt}`,
    userId: customer.userId,
    at: ctx.clock.now(),
    subscription: push.subscription,
    attempt,
    position: removed ? -1 : push.readTo + 1,
    nextPosition: state.transcript.length + 1,
    chatEnded: removed || state.status === 'CLOSED',
    secureKey: customer.secureKey,
    content: pushContent(state, customer, ctx.rules.push),
    ...(event ? { event } : {}),
  };
}

function pushContent(state: SessionState, customer: Participant, rules: PushRules): PushDecision['content'] {
  const content: PushDecision['content'] = {};
  for (const key of rules.content) {
    content[key] = key === 'app-dbid' ? rules.appDbid : key === 'secure-key' ? customer.secureKey : key === 'session-id' ? state.id : customer.userId;
  }
  return content;
}
