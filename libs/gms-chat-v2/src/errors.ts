import { isChatError, isCredentialsRefusal, type ChatErrorCode } from '@ocs/chat-domain';
import type { GmsResponse } from './response';

/**
 * Refusals in the customer API's own terms: an HTTP status, `statusCode` 2 (retrying will not help) or 1
 * (it may), and the numeric `errors[].code` that Genesys Widgets act on (404 session not found, 204
 * message too long, 306 unknown service, 161 name missing, 364 bad e-mail address, 429 sending too fast, 500 internal).
 */
export class GmsApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly chatEnded = false,
  ) {
    super(message);
    this.name = 'GmsApiError';
  }
}

const BY_DOMAIN_CODE: Record<ChatErrorCode, { http: number; code: number; ended?: boolean }> = {
  SESSION_NOT_FOUND: { http: 404, code: 404, ended: true },
  SESSION_CLOSED: { http: 400, code: 404, ended: true },
  PARTICIPANT_LEFT: { http: 400, code: 404, ended: true },
  NOT_A_PARTICIPANT: { http: 400, code: 400 },
  ALREADY_JOINED: { http: 400, code: 400 },
  INVALID_ARGUMENT: { http: 400, code: 400 },
  INVALID_VISIBILITY: { http: 400, code: 400 },
  INVALID_NOTICE_TYPE: { http: 400, code: 400 },
  INVALID_CLIENT_VERSION: { http: 400, code: 400 },
  TEXT_TOO_LONG: { http: 400, code: 204 },
  TRANSCRIPT_FULL: { http: 400, code: 400 },
  SESSION_PASSWORD_REQUIRED: { http: 403, code: 401 },
  FORBIDDEN: { http: 403, code: 401 },
  NOT_ASYNC: { http: 400, code: 400 },
  UPLOADS_DISABLED: { http: 400, code: 201 },
  UPLOAD_NEEDS_AGENT: { http: 400, code: 201 },
  UPLOAD_TOO_MANY_FILES: { http: 400, code: 201 },
  UPLOAD_TOO_LARGE: { http: 400, code: 202 },
  UPLOAD_TYPE_NOT_ALLOWED: { http: 400, code: 203 },
  FILE_NOT_FOUND: { http: 404, code: 404 },
  DOWNLOAD_LIMIT: { http: 400, code: 201 },
  STORAGE_UNAVAILABLE: { http: 503, code: 503 },
  NOT_OWNER: { http: 503, code: 503 },
  LIMIT_REACHED: { http: 503, code: 503 },
  DATA_TOO_LARGE: { http: 400, code: 400 },
  RATE_LIMITED: { http: 429, code: 429 },
};

export interface GmsFailure {
  httpStatus: number;
  body: GmsResponse;
  /** True when the failure is ours, not the client's (worth logging). */
  internal: boolean;
}

export function toGmsFailure(error: unknown, alias: string): GmsFailure {
  let failure: GmsApiError;
  if (error instanceof GmsApiError) failure = error;
  else if (isChatError(error) && error.code === 'SESSION_NOT_FOUND' && !isCredentialsRefusal(error)) {
    // Not an answer about the chat: its node is gone and the session is not restored elsewhere yet.
    failure = new GmsApiError(503, 503, 'the chat session is moving to another server after a failure; try again');
  } else if (isChatError(error)) {
    const m = BY_DOMAIN_CODE[error.code];
    failure = new GmsApiError(m.http, m.code, error.message, m.ended ?? false);
  } else {
    return {
      httpStatus: 500,
      internal: true,
      body: { statusCode: 1, alias, chatEnded: false, messages: [], errors: [{ code: 500, message: 'internal error; try again later' }] },
    };
  }
  return {
    httpStatus: failure.httpStatus,
    internal: false,
    // A 5xx is passing (storage or a node away), a 429 too (a rate limit): worth retrying.
    body: {
      statusCode: failure.httpStatus >= 500 || failure.httpStatus === 429 ? 1 : 2,
      alias,
      chatEnded: failure.chatEnded,
      messages: [],
      errors: [{ code: failure.code, message: failure.message }],
    },
  };
}
