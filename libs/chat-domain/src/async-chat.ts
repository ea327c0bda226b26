import type { IdleNotices } from './rules';
import type { ChatEvent, NoticeType, Participant } from './types';

/**
 * `GCTI_Chat_AsyncStatus`, as workflows read it: 1 new; -1 an agent is processing; -2 on hold (after ESP
 * PlaceOnHold); 2 the customer wrote while no agent was present; 3 async idle alert expired; 4 an agent's
 * connection dropped abnormally; 5 the agent transferred the chat to a queue.
 */
export const ASYNC_STATUS = { new: 1, processing: -1, onHold: -2, customerReplied: 2, idle: 3, agentDropped: 4, transferred: 5 } as const;
export type AsyncStatus = (typeof ASYNC_STATUS)[keyof typeof ASYNC_STATUS];

export const ASYNC_MODE_KEY = 'GCTI_Chat_AsyncMode';
export const ASYNC_STATUS_KEY = 'GCTI_Chat_AsyncStatus';
export const ASYNC_CHECK_AT_KEY = 'GCTI_Chat_AsyncCheckAt';

/** The async part of a session's state. */
export interface AsyncState {
  status: AsyncStatus;
  /** Placed on hold by the workflow and not yet replied to by the customer. */
  onHold: boolean;
  /** Start of the current idle period (epoch ms). */
  idleSince: number;
  /** When the idle alert went out, if it did in this idle period. */
  alertedAt?: number;
}

const MAJOR: readonly NoticeType[] = ['PUSH_URL'];
const NOTICES_BY_LEVEL: Record<IdleNotices, readonly NoticeType[]> = {
  none: [],
  major: MAJOR,
  major2: [...MAJOR, 'USER_CUSTOM'],
  typing: [...MAJOR, 'TYPING_STARTED'],
  all: [...MAJOR, 'USER_CUSTOM', 'TYPING_STARTED', 'TYPING_STOPPED', 'USER_UPDATE_NICK'],
};
const FILE_COMMANDS = ['file-uploaded', 'file-deleted'];

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
