/** The chat session: the aggregate root, and what callers of the domain use of its parts. */
export { ChatSession } from './chat-session';
export { OUTBOUND_ENTRY, checkTenant, type JoinScope } from './access';
export { ASYNC_CHECK_AT_KEY, ASYNC_MODE_KEY, ASYNC_STATUS_KEY, asyncCheckAt, isAsyncActivity } from './async-status';
export { checkNickname } from './checks';
export { SYSTEM_USER_ID } from './event-pipeline';
export { FILE_DELETED, FILE_KEYS, FILE_UPLOADED, NO_FILES_USED, checkCustomerUpload, checkUploadNotice, fileLimitsView, findFile } from './file-transfer';
export { MAX_IDLE_TIMEOUT_S } from './inactivity-control';
export { CONFIGURE_SESSION, LANGUAGE_CODE_KEY, LANGUAGE_NAME_KEY, parseLanguageCode } from './language';
export { ORIGINAL_NICKNAME_KEY, PARTY_STYLE_KEY, SET_PARTY_STYLE_KEY } from './parties';
export { SESSION_PASSWORD_KEY } from './password';
export type { PushDecision } from './push-notifications';
export { DELIVERED_TYPES, PUSH_KEYS, type PushSubscription } from './push-subscription';
export { LAST_EVENT_ID_KEY, READ_CONFIRM } from './read-confirmations';
export { VISIBILITY_CHANGE_KEYS } from './visibility-change';
export type { Change, CreateSessionRequest, JoinRequest, LeaveOptions, MessageRequest, NoticeRequest, SendOptions } from './requests';
export {
  ASYNC_STATUS,
  type AsyncState,
  type AsyncStatus,
  type FileCounters,
  type IdleControlOverrides,
  type PushResend,
  type PushState,
  type SessionContext,
  type SessionService,
  type SessionState,
} from './state';
export { DEFAULT_PII_RULES, PiiRuleError, compilePiiRules, maskText, parseRepchar, parseSpec, type CompiledPiiRule, type PiiRuleConfig } from './pii-rules';
export { rulesOfTenant } from './pii-masking';
