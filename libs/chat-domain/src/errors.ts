/**
 * Every refusal of the chat domain carries one of these codes and a message that names the problem.
 * Transports map the code onto their own error form (HTTP status, GMS error code, socket error event).
 */
export const CHAT_ERROR_CODES = [
  'SESSION_NOT_FOUND',
  'SESSION_CLOSED',
  'NOT_A_PARTICIPANT',
  'PARTICIPANT_LEFT',
  'ALREADY_JOINED',
  'INVALID_ARGUMENT',
  'INVALID_VISIBILITY',
  'INVALID_NOTICE_TYPE',
  'INVALID_CLIENT_VERSION',
  'TEXT_TOO_LONG',
  'TRANSCRIPT_FULL',
  'SESSION_PASSWORD_REQUIRED',
  'FORBIDDEN',
  'NOT_ASYNC',
  'UPLOADS_DISABLED',
  'UPLOAD_NEEDS_AGENT',
  'UPLOAD_TOO_MANY_FILES',
  'UPLOAD_TOO_LARGE',
  'UPLOAD_TYPE_NOT_ALLOWED',
  'FILE_NOT_FOUND',
  'DOWNLOAD_LIMIT',
  'STORAGE_UNAVAILABLE',
  'NOT_OWNER',
  'LIMIT_REACHED',
  'DATA_TOO_LARGE',
  'RATE_LIMITED',
] as const;
export type ChatErrorCode = (typeof CHAT_ERROR_CODES)[number];

export class ChatError extends Error {
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

export function isChatError(e: unknown): e is ChatError {
  return e instanceof ChatError;
}
