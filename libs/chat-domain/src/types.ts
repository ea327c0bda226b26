/**
 * The vocabulary of a chat session, with the names the Genesys chat protocols use on the wire
 * (user types, visibility levels, notice types, reason codes), so transcripts and reports keep them.
 */

export const USER_TYPES = ['CLIENT', 'AGENT', 'SUPERVISOR', 'EXTERNAL', 'SYSTEM'] as const;
export type UserType = (typeof USER_TYPES)[number];

/** ALL = conference, INT = coaching (agents and supervisors), VIP = monitoring (supervisors only). */
export const VISIBILITIES = ['ALL', 'INT', 'VIP'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** FLEX = connectionless customer protocol, BASIC = persistent agent protocol, ESP = workflow requests. */
export const PROTOCOL_TYPES = ['FLEX', 'BASIC', 'ESP', 'NONE'] as const;
export type ProtocolType = (typeof PROTOCOL_TYPES)[number];

export const NOTICE_TYPES = [
  'TYPING_STARTED',
  'TYPING_STOPPED',
  'PUSH_URL',
  'USER_CUSTOM',
  'USER_UPDATE_NICK',
  'SYS_COMMAND',
  'IDLE_CONTROL_ALERT',
  'IDLE_CONTROL_CLOSE',
  'IDLE_CONTROL_SET',
] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/** After-action of a party release (PSDK `Action`). */
export const AFTER_ACTIONS = ['KEEP_ALIVE', 'CLOSE_IF_NO_AGENTS', 'FORCE_CLOSE'] as const;
export type AfterAction = (typeof AFTER_ACTIONS)[number];

/**
 * `quit-reason-code` carried in `GCTI_SYSTEM` event attributes of a party-left event:
 * 0 logout request, 3 protocol inactivity or lost connection, 4 removed by another participant,
 * 5 removed by the server, 7 session inactivity, 8 marked left during session restoration.
 */
export const QUIT_REASON_CODES = ['0', '3', '4', '5', '7', '8'] as const;
export type QuitReasonCode = (typeof QUIT_REASON_CODES)[number];

/** The `<reason code=…>` of a party-left event, as Chat Server writes it into transcripts. */
export interface LeaveReason {
  code?: number;
  text: string;
}

export const LEAVE_REASONS = {
  left: { text: 'left' },
  closeIfNoAgents: { code: 1, text: 'left with request to close if no agents' },
  forceClose: { code: 2, text: 'left with request to close forcedly' },
  disconnect: { code: 3, text: 'left due to disconnect' },
  removed: { code: 4, text: 'removed by other party' },
} as const satisfies Record<string, LeaveReason>;

/** A key-value list (Genesys KVList): string values or nested lists. */
export interface KvList {
  [key: string]: string | KvList;
}

export const MIN_CLIENT_VERSION = 101;
export const MAX_CLIENT_VERSION = 106;

export interface Participant {
  /** 16 hex digits, unique in the deployment. */
  userId: string;
  /** Small integer, 1 for the first party of the session (GMS `participantId`). */
  partyNumber: number;
  userType: UserType;
  nickname: string;
  personId?: string;
  /** Visibility of the party itself and the default of what it sends. */
  visibility: Visibility;
  protocol: ProtocolType;
  clientVersion: number;
  timeZoneOffset?: number;
  isBot: boolean;
  /** Secret of the party: every request it makes must present it (the customer API's `secureKey`). */
  secureKey: string;
  present: boolean;
  joinedAt: number;
  leftAt?: number;
  /** Transcript position of the party's own newParty event. */
  joinPosition: number;
  /** Transcript position of the party's own partyLeft event, once it left. */
  leftPosition?: number;
  /**
   * Last protocol request of a flex party, or confirmation of its liveness by a live connection (epoch ms): drives
   * `flex-disconnect-timeout` and `flex-push-timeout` (session/liveness.ts).
   */
  lastRequestAt: number;
  /** Live connections (CometD, WebSocket) carrying the party's events: while one does, they confirm it alive. */
  attachments: number;
  /** Subscribed to push notifications at Request Chat: timed by `flex-push-timeout` only. */
  pushSubscribed?: boolean;
  /** `flex-push-timeout` expired then with no live connection to confirm the party: at the next expiry it is removed. */
  unconfirmedAt?: number;
  /** When its bucket of messages and notices (`message-rate-limit`) is full again (epoch ms); absent: full. */
  sendPace?: number;
  /** The same for its typing notices and read confirmations. */
  typingPace?: number;
  /** Ids the party named its latest messages by, oldest first (session/client-message-ids.ts); absent until it names one. */
  sentMessageIds?: SentMessageId[];
}

/** A message a party named by an id of its own: the id, and the transcript position the message took. */
export interface SentMessageId {
  id: string;
  position: number;
}

interface EventBase {
  /** Position in the transcript, from 0 (ESP `ScriptPos`); the customer API's `index` is position + 1. */
  position: number;
  /** Unique within the session, never reused. */
  eventId: number;
  /** Epoch milliseconds. */
  at: number;
  /** The party the event is about (the sender for messages and notices). */
  userId: string;
  /** Nickname of that party when the event happened. */
  nickname: string;
  visibility: Visibility;
  /** Set for a direct message or notice: only sender and receiver see it. */
  receiverId?: string;
  userData?: KvList;
  eventAttributes?: KvList;
  /** Removed from the transcript (an outdated read confirmation); the position stays taken. */
  annihilated?: boolean;
}

export interface NewPartyEvent extends EventBase {
  kind: 'newParty';
  userType: UserType;
  personId?: string;
  protocol: ProtocolType;
  clientVersion: number;
  timeZoneOffset?: number;
  text?: string;
}

export interface PartyLeftEvent extends EventBase {
  kind: 'partyLeft';
  reason: LeaveReason;
  quitReasonCode: QuitReasonCode;
  /** The party that caused the removal, for parties removed by another one. */
  askerId?: string;
  text?: string;
}

export interface MessageEvent extends EventBase {
  kind: 'message';
  text: string;
  messageType?: string;
}

export interface NoticeEvent extends EventBase {
  kind: 'notice';
  noticeType: NoticeType;
  text: string;
}

export type ChatEvent = NewPartyEvent | PartyLeftEvent | MessageEvent | NoticeEvent;

export type SessionStatus = 'ALIVE' | 'CLOSED';
