import type { IdleNotices } from '../rules';
import type { ChatEvent, NoticeType, Participant } from '../types';
import { FILE_DELETED, FILE_UPLOADED } from './file-transfer';
import type { AsyncState } from './state';

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
