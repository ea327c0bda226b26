import { ChatError } from '../errors';
import type { ChatEvent, KvList, Participant } from '../types';
import type { SessionState } from './state';

/**
 * Read confirmations: a `SYS_COMMAND` notice `read-confirm` naming the last event a party read. Only a party's
 * newest one counts: a newer one, the party leaving, or the session's restoration annihilates the earlier ones.
 */
export const READ_CONFIRM = 'read-confirm';
export const LAST_EVENT_ID_KEY = 'last-event-id';

export function isReadConfirm(e: ChatEvent): boolean {
  return e.kind === 'notice' && e.noticeType === 'SYS_COMMAND' && e.text === READ_CONFIRM && !e.annihilated;
}

/** Checks a read confirmation of `party`, which replaces (annihilates) its earlier one. */
export function confirmRead(state: SessionState, party: Participant, userData: KvList | undefined): void {
  const last = userData?.[LAST_EVENT_ID_KEY];
  if (typeof last !== 'string' || !/^\d+$/.test(last)) {
    throw new ChatError('INVALID_ARGUMENT', `a read-confirm notice needs the numeric ${LAST_EVENT_ID_KEY} in its user data`);
  }
  dropReadConfirmations(state, party.userId);
}

/** Annihilates the read confirmations of one party, or without `userId` of every party. */
export function dropReadConfirmations(state: SessionState, userId?: string): void {
  for (const e of state.transcript) {
    if ((userId === undefined || e.userId === userId) && isReadConfirm(e)) e.annihilated = true;
  }
}
