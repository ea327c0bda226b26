import { HttpException } from '@nestjs/common';
import { isChatError, type ChatErrorCode } from '@ocs/chat-domain';

/**
 * The faults of the ESP gateway: `FaultCode` in the `Event3rdServerFault` reply, and the HTTP status it goes
 * with. The table is documented in docs/api/esp.md; codes never change meaning.
 */
export const FAULTS = {
  /** `Service` is not `Chat`, or `Method` is not one of the ESP methods. */
  unknownMethod: { faultCode: 1, httpStatus: 400 },
  /** A parameter is missing or its value is not valid (malformed `EventAttributes` included). */
  invalidParameter: { faultCode: 2, httpStatus: 400 },
  /** No session stands for the interaction (never existed, or gone: purged, or closed long enough ago). */
  sessionNotFound: { faultCode: 3, httpStatus: 404 },
  sessionClosed: { faultCode: 4, httpStatus: 409 },
  /** The session's state does not allow the request (e.g. `PlaceOnHold` of a session that is not async). */
  notAllowed: { faultCode: 5, httpStatus: 409 },
  /** The HTTP request itself: not a JSON object, too large, not `POST /esp`. Its HTTP status is kept. */
  malformedRequest: { faultCode: 6, httpStatus: 400 },
  /** The session cannot be served now (storage unavailable, no node able to take it, a node over its load limit): try again. */
  unavailable: { faultCode: 7, httpStatus: 503 },
  /** The workflow's party sends faster than `message-rate-limit` allows: try again a little later. */
  rateLimited: { faultCode: 8, httpStatus: 429 },
  internal: { faultCode: 99, httpStatus: 500 },
} as const;

export type FaultKind = keyof typeof FAULTS;

/** A refusal of an ESP request; its message names the problem and is shown to the workflow. */
export class EspFault extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
  ) {
    super(message);
    this.name = 'EspFault';
  }
}

export interface EspFaultReply {
  Event: 'Event3rdServerFault';
  FaultCode: number;
  FaultString: string;
}

export interface EspFailure {
  httpStatus: number;
  body: EspFaultReply;
  /** The failure is ours, not the caller's (worth logging; its details are not shown). */
  internal: boolean;
}

/** Refusals of the chat domain, by the fault they are; any other domain refusal is `notAllowed`. */
const BY_DOMAIN_CODE: Partial<Record<ChatErrorCode, FaultKind>> = {
  SESSION_NOT_FOUND: 'sessionNotFound',
  SESSION_CLOSED: 'sessionClosed',
  INVALID_ARGUMENT: 'invalidParameter',
  INVALID_VISIBILITY: 'invalidParameter',
  INVALID_NOTICE_TYPE: 'invalidParameter',
  TEXT_TOO_LONG: 'invalidParameter',
  DATA_TOO_LARGE: 'invalidParameter',
  RATE_LIMITED: 'rateLimited',
  STORAGE_UNAVAILABLE: 'unavailable',
  NOT_OWNER: 'unavailable',
  LIMIT_REACHED: 'unavailable',
};

/** Any error met while serving an ESP request, as the fault reply to send. Unexpected errors show nothing of themselves. */
export function toEspFailure(error: unknown): EspFailure {
  if (error instanceof EspFault) return failure(error.kind, error.message);
  if (isChatError(error)) return failure(BY_DOMAIN_CODE[error.code] ?? 'notAllowed', error.message);
  const refusal = httpRefusal(error);
  if (refusal) return { ...failure('malformedRequest', `request refused: ${refusal.message}`), httpStatus: refusal.status };
  return { ...failure('internal', 'internal error; try again later'), internal: true };
}

function failure(kind: FaultKind, message: string): EspFailure {
  const { faultCode, httpStatus } = FAULTS[kind];
  return { httpStatus, internal: false, body: { Event: 'Event3rdServerFault', FaultCode: faultCode, FaultString: message } };
}

/** A 4xx raised by Nest (no such route) or by the body parser (unreadable JSON, too large: http-errors with `expose`). */
function httpRefusal(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof HttpException) return error.getStatus() < 500 ? { status: error.getStatus(), message: error.message } : undefined;
  if (error instanceof Error && 'status' in error && typeof error.status === 'number' && error.status < 500 && 'expose' in error && error.expose === true) {
    return { status: error.status, message: error.message };
  }
  return undefined;
}
