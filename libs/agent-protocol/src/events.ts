import {
  supportsMonitoredFlag,
  type ChatErrorCode,
  type ChatEvent,
  type KvList,
  type LeaveReason,
  type SessionStatus,
  type UserType,
  type Visibility,
} from '@ocs/chat-domain';
import type { EventView, SessionView, TranscriptNotice } from '@ocs/chat-engine';
import type { AgentIdentity } from './requests';
import type { RoutingServerEvent } from './routing-requests';

/** The client's own correlation id of a request, echoed in the reply. */
export type RequestId = string | number;

/** Codes of the API's own refusals, next to the chat domain's `ChatError` codes. */
export type AgentApiErrorCode =
  'BAD_REQUEST' | 'NOT_REGISTERED' | 'ALREADY_REGISTERED' | 'AUTH_FAILED' | 'TOO_MANY_AUTH_FAILURES' | 'UNKNOWN_SESSION_FOR_CONNECTION' | 'INTERNAL';

export type AgentErrorCode = ChatErrorCode | AgentApiErrorCode;

/** WebSocket close codes of the API, next to the standard ones (1001 server shutting down, 1009 frame too big). */
export const AGENT_CLOSE_CODES = {
  authFailed: 4401,
  registerTimeout: 4408,
  tooManyAuthFailures: 4429,
} as const;

/** A refusal by the agent API itself (not by the chat domain). */
export class AgentApiError extends Error {
  constructor(
    readonly code: AgentApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AgentApiError';
  }
}

/** One transcript event as an agent-side party sees it. */
export interface WireEvent {
  eventId: number;
  /** Transcript position, from 0. */
  position: number;
  kind: ChatEvent['kind'];
  /** Epoch milliseconds. */
  at: number;
  /** The party the event is about (the sender of a message or notice). */
  userId: string;
  nickname: string;
  userType: UserType;
  partyNumber: number;
  visibility: Visibility;
  /** Present (true) only for events of a bot party. */
  isBot?: true;
  receiverId?: string;
  text?: string;
  messageType?: string;
  noticeType?: string;
  personId?: string;
  reason?: LeaveReason;
  quitReasonCode?: string;
  askerId?: string;
  userData?: KvList;
  eventAttributes?: KvList;
}

export interface RegisteredEvent {
  type: 'registered';
  requestId?: RequestId;
  nickname: string;
  userType: 'AGENT' | 'SUPERVISOR';
}

export interface SessionInfoEvent {
  type: 'sessionInfo';
  requestId?: RequestId;
  sessionId: string;
  /** This connection's party in the session. */
  userId: string;
  status: SessionStatus;
  /** Whether a supervisor monitors the session; only for parties of client version 105 and later. */
  monitored?: boolean;
  /** Position the next event of the session will take. */
  nextPosition: number;
  events: WireEvent[];
  /** `transcript-auto-save=2`: the change of these events is stored (`save`) or could not be (`ucs-save-fail`). */
  transcriptNotice?: TranscriptNotice;
}

export interface AckEvent {
  type: 'ack';
  requestId?: RequestId;
  sessionId: string;
  eventId: number;
  position: number;
}

export interface ErrorEvent {
  type: 'error';
  requestId?: RequestId;
  code: AgentErrorCode;
  message: string;
}

export type ServerEvent = RegisteredEvent | SessionInfoEvent | AckEvent | ErrorEvent | RoutingServerEvent;

export function toWireEvent({ event, from }: EventView): WireEvent {
  const common: WireEvent = {
    eventId: event.eventId,
    position: event.position,
    kind: event.kind,
    at: event.at,
    userId: event.userId,
    nickname: event.nickname,
    userType: from.userType,
    partyNumber: from.partyNumber,
    visibility: event.visibility,
    ...(from.isBot ? { isBot: true } : {}),
    ...(event.receiverId !== undefined ? { receiverId: event.receiverId } : {}),
    ...(event.userData !== undefined ? { userData: event.userData } : {}),
    ...(event.eventAttributes !== undefined ? { eventAttributes: event.eventAttributes } : {}),
  };
  switch (event.kind) {
    case 'newParty':
      return {
        ...common,
        ...(event.personId !== undefined ? { personId: event.personId } : {}),
        ...(event.text !== undefined ? { text: event.text } : {}),
      };
    case 'partyLeft':
      return {
        ...common,
        reason: event.reason,
        quitReasonCode: event.quitReasonCode,
        ...(event.askerId !== undefined ? { askerId: event.askerId } : {}),
        ...(event.text !== undefined ? { text: event.text } : {}),
      };
    case 'message':
      return { ...common, text: event.text, ...(event.messageType !== undefined ? { messageType: event.messageType } : {}) };
    case 'notice':
      return { ...common, noticeType: event.noticeType, text: event.text };
  }
}

export function toSessionInfo(view: SessionView, requestId?: RequestId): SessionInfoEvent {
  return {
    type: 'sessionInfo',
    ...echo(requestId),
    sessionId: view.sessionId,
    userId: view.userId,
    status: view.closed ? 'CLOSED' : 'ALIVE',
    ...(supportsMonitoredFlag(view.clientVersion) ? { monitored: view.monitored } : {}),
    nextPosition: view.nextPosition,
    events: view.events.map(toWireEvent),
    ...(view.transcriptNotice ? { transcriptNotice: view.transcriptNotice } : {}),
  };
}

/** The reply to a message, notice or release; `event` is what the request appended, if the engine says. */
export function toAck(request: { requestId?: RequestId; sessionId: string }, event: ChatEvent): AckEvent {
  return {
    type: 'ack',
    ...echo(request.requestId),
    sessionId: request.sessionId,
    eventId: event.eventId,
    position: event.position,
  };
}

export function errorEvent(code: AgentErrorCode, message: string, requestId?: RequestId): ErrorEvent {
  return { type: 'error', ...echo(requestId), code, message };
}

export function registeredEvent(identity: AgentIdentity, requestId?: RequestId): RegisteredEvent {
  return { type: 'registered', ...echo(requestId), nickname: identity.nickname, userType: identity.userType };
}

function echo(requestId: RequestId | undefined): { requestId?: RequestId } {
  return requestId !== undefined ? { requestId } : {};
}
