/** The chat session: the aggregate root and what callers of the domain use of its parts. */
export * from './chat-session';
export type { Change, CreateSessionRequest, JoinRequest, LeaveOptions, MessageRequest, NoticeRequest, SendOptions } from './requests';
export type { SessionContext, SessionService, SessionState } from './state';
