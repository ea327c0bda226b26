import type { ChatEvent, KvList, NoticeEvent, UserType } from '@ocs/chat-domain';
import type { EventView, SessionView } from '@ocs/chat-engine';

/** A transcript entry in GMS Chat API Version 2 (`messages[]`). */
export interface GmsMessage {
  from: { nickname: string; participantId: number; type: string };
  /** 1-based position of the event in the session. */
  index: number;
  type: string;
  text?: string;
  messageType?: string;
  /** Epoch milliseconds. */
  utcTime: number;
  userData?: KvList;
  eventAttributes?: KvList;
}

export interface GmsError {
  code: number;
  message: string;
  advice?: string;
}

/** The reply of every Chat V2 operation, REST and CometD alike. */
export interface GmsResponse {
  /** 0 success; 1 error worth retrying; 2 error not worth retrying (check chatEnded). */
  statusCode: 0 | 1 | 2;
  alias: string;
  chatEnded: boolean;
  chatId?: string;
  userId?: string;
  secureKey?: string;
  nextPosition?: number;
  monitored?: boolean;
  messages: GmsMessage[];
  userData?: Record<string, string>;
  errors?: GmsError[];
}

const PARTY_TYPES: Record<UserType, string> = {
  CLIENT: 'Client',
  AGENT: 'Agent',
  SUPERVISOR: 'Supervisor',
  EXTERNAL: 'External',
  SYSTEM: 'System',
};

const NOTICE_MESSAGE_TYPES: Partial<Record<NoticeEvent['noticeType'], string>> = {
  TYPING_STARTED: 'TypingStarted',
  TYPING_STOPPED: 'TypingStopped',
  PUSH_URL: 'PushUrl',
  USER_CUSTOM: 'CustomNotice',
  USER_UPDATE_NICK: 'NicknameUpdated',
  IDLE_CONTROL_ALERT: 'IdleAlert',
  IDLE_CONTROL_CLOSE: 'IdleClose',
};

const SYSTEM_COMMAND_TYPES: Record<string, string> = {
  'file-uploaded': 'FileUploaded',
  'file-deleted': 'FileDeleted',
};

export function messageType(event: ChatEvent): string {
  switch (event.kind) {
    case 'newParty':
      return 'ParticipantJoined';
    case 'partyLeft':
      return 'ParticipantLeft';
    case 'message':
      return 'Message';
    case 'notice':
      return (event.noticeType === 'SYS_COMMAND' ? SYSTEM_COMMAND_TYPES[event.text] : NOTICE_MESSAGE_TYPES[event.noticeType]) ?? 'Notice';
  }
}

export function toGmsMessage({ event, from }: EventView): GmsMessage {
  const text = event.text;
  return {
    from: { nickname: from.nickname, participantId: from.partyNumber, type: PARTY_TYPES[from.userType] },
    index: event.position + 1,
    type: messageType(event),
    ...(text !== undefined ? { text } : {}),
    ...(event.kind === 'message' && event.messageType ? { messageType: event.messageType } : {}),
    utcTime: event.at,
    ...(event.userData ? { userData: event.userData } : {}),
    ...(event.eventAttributes ? { eventAttributes: event.eventAttributes } : {}),
  };
}

export interface CustomerIdentity {
  secureKey: string;
  alias: string;
}

/** The reply to a customer: the session state and the transcript part the request asked for. */
export function toGmsResponse(view: SessionView, identity: CustomerIdentity): GmsResponse {
  return {
    statusCode: 0,
    alias: identity.alias,
    chatEnded: view.closed || view.left,
    chatId: view.sessionId,
    userId: view.userId,
    secureKey: identity.secureKey,
    nextPosition: view.nextPosition + 1,
    ...(view.clientVersion >= 105 ? { monitored: view.monitored } : {}),
    messages: view.events.map((e) => replyMessage(e, view.userId)),
  };
}

/**
 * The guide ("Reason Codes"): quit reasons 0 (the customer's logout) and 3 (its removal for protocol inactivity)
 * of the customer's own departure are not delivered in a reply of the API, only in its push notifications (whose
 * payload keeps them). Every other party's departure, and every other code, is shown as it is.
 */
function replyMessage(view: EventView, viewerId: string): GmsMessage {
  const message = toGmsMessage(view);
  const { event } = view;
  if (event.kind !== 'partyLeft' || event.userId !== viewerId || (event.quitReasonCode !== '0' && event.quitReasonCode !== '3')) return message;
  const system = message.eventAttributes?.GCTI_SYSTEM;
  if (typeof system !== 'object') return message;
  const { 'quit-reason-code': _hidden, ...rest } = system;
  const { GCTI_SYSTEM: _system, ...attributes } = message.eventAttributes ?? {};
  const kept = Object.keys(rest).length > 0 ? { ...attributes, GCTI_SYSTEM: rest } : attributes;
  const { eventAttributes: _all, ...bare } = message;
  return Object.keys(kept).length > 0 ? { ...bare, eventAttributes: kept } : bare;
}
