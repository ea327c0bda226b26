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

/**
 * SESSION_NOT_FOUND that is an answer about the credentials: a node holding the session refused the party's key, or no
 * node owns a session of that id. A SESSION_NOT_FOUND without it is passing (the session is between nodes, its owner
 * gone and not restored yet) and says nothing about the credentials: a gateway counts only this one against the address.
 */
export class CredentialsRefused extends ChatError {
  constructor(message: string) {
    super('SESSION_NOT_FOUND', message);
    this.name = 'CredentialsRefused';
  }
}

/** Whether `e` refuses a party's credentials (see `CredentialsRefused`). */
export function isCredentialsRefusal(e: unknown): e is CredentialsRefused {
  return e instanceof CredentialsRefused;
}
