import type { ChatEvent, KvList, ProtocolType, UserType, Visibility } from '../types';
import type { PushDecision } from './push-notifications';
import type { SessionService } from './state';

/** What the session's commands take, and what they return. */

export interface JoinRequest {
  userType: UserType;
  nickname: string;
  protocol: ProtocolType;
  personId?: string;
  visibility?: Visibility;
  clientVersion?: number;
  timeZoneOffset?: number;
  userData?: KvList;
  eventAttributes?: KvList;
  text?: string;
}

export interface SendOptions {
  visibility?: Visibility;
  /** Makes the message or notice direct: only sender and receiver see it. */
  receiverId?: string;
  userData?: KvList;
  eventAttributes?: KvList;
}

export interface MessageRequest extends SendOptions {
  text: string;
  messageType?: string;
}

export interface NoticeRequest extends SendOptions {
  noticeType: string;
  text?: string;
}

export interface LeaveOptions {
  text?: string;
  /** The agent leaves because it transferred the chat to a queue (async status 5). */
  transferred?: boolean;
  userData?: KvList;
  eventAttributes?: KvList;
}

/** What a command changed: the events it appended, whether it closed the session, interaction properties to update. */
export interface Change {
  events: ChatEvent[];
  closed: boolean;
  properties?: Record<string, string>;
  /**
   * The session changed where no event says so (idle control, language, a refresh that stopped push resends): to be
   * saved all the same.
   */
  configured?: boolean;
  /** Push notifications the change decided for the subscribed customer; absent for a session without one. */
  pushes?: PushDecision[];
}

export interface CreateSessionRequest {
  id: string;
  creator: JoinRequest;
  /** Session user data; defaults to the creator's user data. */
  userData?: KvList;
  service?: SessionService;
}
