import { z } from 'zod';
import {
  AFTER_ACTIONS,
  MAX_CLIENT_VERSION,
  MIN_CLIENT_VERSION,
  NOTICE_TYPES,
  USER_TYPES,
  VISIBILITIES,
  type JoinRequest,
  type KvList,
  type LeaveOptions,
  type MessageRequest,
  type NoticeRequest,
} from '@ocs/chat-domain';
import { errorEvent, type ErrorEvent, type RequestId } from './events';
import { routingRequestSchemas } from './routing-requests';

/**
 * Client → server requests of the agent WebSocket API: the Genesys basic chat protocol as JSON. Objects are
 * strict, so a misspelled field (say `recieverId`, which would turn a direct message into a public one) is
 * refused instead of ignored.
 */

/** Deepest nesting of objects a request may have (the request itself is level 1). */
export const MAX_REQUEST_DEPTH = 32;

const kvList: z.ZodType<KvList> = z.lazy(() => z.record(z.string(), z.union([z.string(), kvList], { error: 'expected a string or a nested key-value list' })));

const requestId = z.union([z.string().max(128), z.number()]).optional();
const sessionId = z.string().min(1);
const text = z.string().optional();
const visibility = z.enum(VISIBILITIES).optional();

const sendOptions = {
  visibility,
  receiverId: z.string().min(1).optional(),
  userData: kvList.optional(),
  eventAttributes: kvList.optional(),
};

export const registerRequestSchema = z.strictObject({
  type: z.literal('register'),
  requestId,
  token: z.string().min(1),
  nickname: z.string().min(1),
  userType: z.enum(USER_TYPES).extract(['AGENT', 'SUPERVISOR']),
  personId: z.string().optional(),
  clientVersion: z.number().int().min(MIN_CLIENT_VERSION).max(MAX_CLIENT_VERSION).default(MAX_CLIENT_VERSION),
  timeZoneOffset: z.number().int().optional(),
});

export const joinRequestSchema = z.strictObject({
  type: z.literal('join'),
  requestId,
  /** Absent: outbound mode, a new session with this party as its first party. */
  sessionId: sessionId.optional(),
  visibility,
  userData: kvList.optional(),
  eventAttributes: kvList.optional(),
  text,
});

export const messageRequestSchema = z.strictObject({
  type: z.literal('message'),
  requestId,
  sessionId,
  text: z.string(),
  messageType: z.string().optional(),
  ...sendOptions,
});

export const notifyRequestSchema = z.strictObject({
  type: z.literal('notify'),
  requestId,
  sessionId,
  /** Idle-control notices come from the server only. */
  noticeType: z.enum(NOTICE_TYPES).exclude(['IDLE_CONTROL_ALERT', 'IDLE_CONTROL_CLOSE', 'IDLE_CONTROL_SET']),
  text,
  ...sendOptions,
});

export const releasePartyRequestSchema = z.strictObject({
  type: z.literal('releaseParty'),
  requestId,
  sessionId,
  afterAction: z.enum(AFTER_ACTIONS),
  text,
  /** The agent leaves because it transferred the chat to a queue (async status 5). */
  transferred: z.boolean().optional(),
});

export const refreshRequestSchema = z.strictObject({
  type: z.literal('refresh'),
  requestId,
  sessionId,
  fromPosition: z.number().int().min(0),
});

/** Our extension: the party changes its own visibility in the session without leaving (monitor, coach, barge in). */
export const setVisibilityRequestSchema = z.strictObject({
  type: z.literal('setVisibility'),
  requestId,
  sessionId,
  visibility: z.enum(VISIBILITIES),
});

const requestSchemas = [
  registerRequestSchema,
  joinRequestSchema,
  messageRequestSchema,
  notifyRequestSchema,
  releasePartyRequestSchema,
  refreshRequestSchema,
  setVisibilityRequestSchema,
  ...routingRequestSchemas,
] as const;

export const AGENT_REQUEST_TYPES = requestSchemas.map((s) => s.shape.type.value);

export const agentRequestSchema = z.discriminatedUnion('type', requestSchemas, {
  error: (issue) => {
    const type = isObject(issue.input) ? issue.input.type : undefined;
    const problem = type === undefined ? 'missing request type' : `unknown request type ${JSON.stringify(type)}`;
    return `${problem}; expected one of ${AGENT_REQUEST_TYPES.join(', ')}`;
  },
});

export type AgentRequest = z.infer<typeof agentRequestSchema>;
export type RegisterRequest = z.infer<typeof registerRequestSchema>;
export type AgentJoinRequest = z.infer<typeof joinRequestSchema>;
export type AgentMessageRequest = z.infer<typeof messageRequestSchema>;
export type AgentNotifyRequest = z.infer<typeof notifyRequestSchema>;
export type ReleasePartyRequest = z.infer<typeof releasePartyRequestSchema>;
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;
export type SetVisibilityRequest = z.infer<typeof setVisibilityRequestSchema>;

export type ParseResult = { ok: true; request: AgentRequest } | { ok: false; error: ErrorEvent };

/** Parses one text frame; a refusal is the `error` event to send back (with the requestId, if one was readable). */
export function parseAgentRequest(raw: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return refuse('request is not valid JSON');
  }
  if (!isObject(json)) return refuse(`request must be a JSON object, not ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`);
  const echo = requestId.safeParse(json.requestId);
  const id = echo.success ? echo.data : undefined;
  if (depthOf(json) > MAX_REQUEST_DEPTH) return refuse(`request nests objects deeper than ${MAX_REQUEST_DEPTH} levels`, id);
  const result = agentRequestSchema.safeParse(json);
  return result.success ? { ok: true, request: result.data } : refuse(describeIssues(result.error), id);
}

/** Zod issues as one message: "field userData.lang: expected a string…; field text: …". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `field ${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** What a party registered as: its identity in every session the connection joins. */
export interface AgentIdentity {
  nickname: string;
  userType: RegisterRequest['userType'];
  personId?: string;
  clientVersion: number;
  timeZoneOffset?: number;
}

export function toIdentity({ type: _type, requestId: _requestId, token: _token, ...identity }: RegisterRequest): AgentIdentity {
  return identity;
}

export function toJoinRequest(identity: AgentIdentity, request: AgentJoinRequest): JoinRequest {
  return { ...identity, protocol: 'BASIC', ...payload(request) };
}

export function toMessageRequest(request: AgentMessageRequest): MessageRequest {
  return payload(request);
}

export function toNoticeRequest(request: AgentNotifyRequest): NoticeRequest {
  return payload(request);
}

export function toLeaveOptions(request: ReleasePartyRequest): LeaveOptions {
  return { ...(request.text !== undefined ? { text: request.text } : {}), ...(request.transferred ? { transferred: true } : {}) };
}

/** The request without its envelope: what the engine call takes. */
function payload<R extends { type: string; requestId?: RequestId; sessionId?: string }>(request: R): Omit<R, 'type' | 'requestId' | 'sessionId'> {
  const { type: _type, requestId: _requestId, sessionId: _sessionId, ...rest } = request;
  return rest;
}

function refuse(message: string, id?: RequestId): ParseResult {
  return { ok: false, error: errorEvent('BAD_REQUEST', message, id) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nesting depth of objects and arrays, walked without recursion so a hostile frame cannot exhaust the stack. */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, depth } = item;
    if (typeof value !== 'object' || value === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_REQUEST_DEPTH) break;
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return deepest;
}
