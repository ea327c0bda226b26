import type { IdleNotices, SessionRules } from '../rules';
import type { ChatEvent, NoticeType, Participant } from '../types';
import type { Command } from './command';
import { FILE_DELETED, FILE_UPLOADED } from './file-transfer';
import { findParticipant, hasLiveAgent } from './presence';
import { ASYNC_STATUS, type AsyncState, type AsyncStatus, type SessionState } from './state';

/**
 * Async chat: a session created with `GCTI_Chat_AsyncMode=true` reports its status (`GCTI_Chat_AsyncStatus`) and
 * when a workflow should look at it (`GCTI_Chat_AsyncCheckAt`) as interaction properties, following what happens
 * in it. Its idle alert and close are timers (timers.ts).
 */
export const ASYNC_MODE_KEY = 'GCTI_Chat_AsyncMode';
export const ASYNC_STATUS_KEY = 'GCTI_Chat_AsyncStatus';
export const ASYNC_CHECK_AT_KEY = 'GCTI_Chat_AsyncCheckAt';

const MAJOR: readonly NoticeType[] = ['PUSH_URL'];
const NOTICES_BY_LEVEL: Record<IdleNotices, readonly NoticeType[]> = {
  none: [],
  major: MAJOR,
  major2: [...MAJOR, 'USER_CUSTOM'],
  typing: [...MAJOR, 'TYPING_STARTED'],
  all: [...MAJOR, 'USER_CUSTOM', 'TYPING_STARTED', 'TYPING_STOPPED', 'USER_UPDATE_NICK'],
};
const FILE_COMMANDS = [FILE_UPLOADED, FILE_DELETED];

/**
 * Activity for async inactivity control: an event everyone can see, not made by a bot: a message, an agent
 * joining or leaving, or a notice of the kinds `async-idle-notices` names (file notices count from `major` on).
 */
export function isAsyncActivity(event: ChatEvent, actor: Participant | undefined, notices: IdleNotices): boolean {
  if (!actor || actor.isBot || event.visibility !== 'ALL' || event.receiverId !== undefined) return false;
  switch (event.kind) {
    case 'message':
      return true;
    case 'newParty':
    case 'partyLeft':
      return actor.userType === 'AGENT';
    case 'notice':
      if (event.noticeType === 'SYS_COMMAND') return notices !== 'none' && FILE_COMMANDS.includes(event.text);
      return NOTICES_BY_LEVEL[notices].includes(event.noticeType);
  }
}

/** `GCTI_Chat_AsyncCheckAt`: when a workflow should look at the interaction if nothing else happened (epoch seconds). */
export function asyncCheckAt(state: AsyncState, alertMs: number, closeMs: number): number {
  const due = state.alertedAt !== undefined ? state.alertedAt + closeMs : state.idleSince + alertMs + closeMs;
  return Math.ceil(due / 1000);
}

/** Interaction properties that describe the session now (async status and check time). */
export function asyncProperties(state: SessionState, rules: SessionRules): Record<string, string> {
  const a = state.async;
  if (!a) return {};
  return { [ASYNC_STATUS_KEY]: String(a.status), [ASYNC_CHECK_AT_KEY]: String(asyncCheckAt(a, rules.asyncIdleAlertMs, rules.asyncIdleCloseMs)) };
}

/** A new session is async when its user data says so: it starts with status 1 (new). */
export function startAsync(command: Command): void {
  const { state } = command;
  if (state.userData[ASYNC_MODE_KEY] !== 'true') return;
  state.async = { status: ASYNC_STATUS.new, onHold: false, idleSince: state.createdAt };
  setAsyncStatus(command, ASYNC_STATUS.new);
}

export function setAsyncStatus(command: Command, status: AsyncStatus): void {
  const a = command.state.async;
  if (!a) return;
  a.status = status;
  // Only an agent taking over or the customer's reply ends the hold; the reply is reported once.
  if (status === ASYNC_STATUS.processing || status === ASYNC_STATUS.customerReplied) a.onHold = false;
  Object.assign(command.changedProperties(), asyncProperties(command.state, command.ctx.rules));
}

/** A new idle period starts at `at`: the alert is due `async-idle-alert` later. */
export function restartIdle(command: Command, a: AsyncState, at: number): void {
  const { rules } = command.ctx;
  a.idleSince = at;
  delete a.alertedAt;
  command.changedProperties()[ASYNC_CHECK_AT_KEY] = String(asyncCheckAt(a, rules.asyncIdleAlertMs, rules.asyncIdleCloseMs));
}

/** Async status and idle timing follow what happens in the session: a step of the event pipeline. */
export function trackAsync(command: Command, event: ChatEvent): void {
  const { state, ctx } = command;
  const a = state.async;
  const party = findParticipant(state, event.userId);
  if (!a || !party) return;
  if (isAsyncActivity(event, party, ctx.rules.asyncIdleNotices)) restartIdle(command, a, event.at);
  if (event.kind === 'newParty' && party.userType === 'AGENT' && !party.isBot) setAsyncStatus(command, ASYNC_STATUS.processing);
  else if (party.userType === 'CLIENT' && a.onHold && !hasLiveAgent(state) && isAsyncActivity(event, party, ctx.rules.asyncIdleNotices)) {
    setAsyncStatus(command, ASYNC_STATUS.customerReplied);
  }
}

/** A closed session needs no workflow check any more: the check time is not reported. */
export function closeAsync(command: Command): void {
  command.unsetProperty(ASYNC_CHECK_AT_KEY);
}
