import { z } from 'zod';
import { wireErrorSchema, type WireError } from '@ocs/contracts';
import type { AfterAction, JoinRequest, JoinScope, KvList, LeaveOptions, MessageRequest, NoticeRequest, ProtocolType, Visibility } from '@ocs/chat-domain';
import type { ChatEngineApi, CreateRequest, SessionView } from '@ocs/chat-engine';

/**
 * The gateway ↔ session-engine link: one HTTP POST per `ChatEngineApi` call, `{ method, args }` with the call's
 * arguments in order, answered `{ result }` or `{ error }`. Live attachments are the exception: the node
 * publishes each view on the gateway's fan-out channel, tagged with the attachment the gateway chose.
 *
 * Arguments are checked for shape only (arity, strings, numbers, objects); what their fields mean is the engine's
 * to check, so its refusals (INVALID_VISIBILITY, INVALID_NOTICE_TYPE…) reach the gateway unchanged.
 */

/** An object whose fields the engine checks. */
const object = <T>() => z.custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object');
/** A string whose value the engine checks. */
const word = <T extends string>() => z.custom<T>((value) => typeof value === 'string', 'expected a string');

const sessionId = z.string();
const position = z.number().int().nonnegative();
const actor = z.object({ sessionId: z.string(), userId: z.string(), secureKey: z.string(), via: word<ProtocolType>().optional() });

const ENGINE_CALLS = {
  createSession: z.tuple([object<CreateRequest>()]),
  join: z.tuple([
    sessionId,
    object<JoinRequest>(),
    object<JoinScope>()
      .nullish()
      .transform((scope) => scope ?? undefined),
  ]),
  read: z.tuple([actor, position]),
  message: z.tuple([actor, object<MessageRequest>(), position.optional()]),
  notice: z.tuple([actor, object<NoticeRequest>(), position.optional()]),
  changeVisibility: z.tuple([actor, word<Visibility>(), position.optional()]),
  updateUserData: z.tuple([actor, object<KvList>(), position.optional()]),
  // An omitted `options` travels as null when `readFrom` follows it.
  leave: z.tuple([
    actor,
    word<AfterAction>(),
    object<LeaveOptions>()
      .nullish()
      .transform((options) => options ?? undefined),
    position.optional(),
  ]),
  disconnect: z.tuple([actor]),
  findParty: z.tuple([z.string(), sessionId.optional()]),
  bindInteraction: z.tuple([sessionId, z.string()]),
  findByInteraction: z.tuple([z.string()]),
  externalMessage: z.tuple([sessionId, z.string(), object<MessageRequest>()]),
  externalNotice: z.tuple([sessionId, z.string(), object<NoticeRequest>()]),
  placeOnHold: z.tuple([sessionId]),
  closeSession: z.tuple([sessionId, z.object({ closeIfNoAgents: z.boolean().optional(), purge: z.boolean().optional() }).optional()]),
  sessionInfo: z.tuple([sessionId, z.object({ restore: z.boolean() }).optional()]),
  configureIdleControl: z.tuple([sessionId, z.record(z.string(), z.string())]),
  configureSession: z.tuple([sessionId, object<Parameters<ChatEngineApi['configureSession']>[1]>()]),
  fileLimits: z.tuple([actor, position.optional()]),
  checkUpload: z.tuple([actor, z.object({ name: z.string(), size: z.number() })]),
  download: z.tuple([actor, z.string()]),
  liveSessions: z.tuple([object<JoinScope>()]),
} satisfies { [M in Exclude<keyof ChatEngineApi, 'attach'>]: z.ZodType<Parameters<ChatEngineApi[M]>> };

/** Where a remote attachment's views go: the gateway's channel, tagged with the gateway's id for the attachment. */
const remoteListener = z.object({ gatewayId: z.string().min(1), attachmentId: z.string().min(1) });
export type RemoteListener = z.infer<typeof remoteListener>;

export const RPC_METHODS = {
  ...ENGINE_CALLS,
  /** `attach(actor, fromPosition, listener)` with the listener a gateway's attachment: answers the view. */
  attach: z.tuple([actor, position, remoteListener]),
  /** Ends a remote attachment: `detach(attachmentId)`; an unknown one is already gone. */
  detach: z.tuple([z.string().min(1)]),
  /** `sessionOfKey(secureKey)`: the session the key was recorded for, held by any node or none (`ChatEngine.sessionOfKey`). */
  sessionOfKey: z.tuple([z.string()]),
};

export type EngineCall = keyof typeof ENGINE_CALLS;
export type RpcMethod = keyof typeof RPC_METHODS;
export type RpcArgs<M extends RpcMethod> = z.infer<(typeof RPC_METHODS)[M]>;
export type RpcResult<M extends RpcMethod> = M extends EngineCall
  ? Awaited<ReturnType<ChatEngineApi[M]>>
  : M extends 'attach'
    ? SessionView
    : M extends 'sessionOfKey'
      ? string | undefined
      : void;

export function isEngineCall(method: RpcMethod): method is EngineCall {
  return Object.hasOwn(ENGINE_CALLS, method);
}

export function isRpcMethod(method: unknown): method is RpcMethod {
  return typeof method === 'string' && Object.hasOwn(RPC_METHODS, method);
}

/** The answer to a call: its result, or the engine's refusal in its wire form (`WireError` of the contracts). */
export type RpcResponseBody = { result?: unknown } | { error: WireError };

/** How a gateway reads an answer: anything else means the node did not answer the RPC. */
export const rpcResponseSchema = z.union([z.object({ error: wireErrorSchema }), z.object({ result: z.unknown().optional() })]);

/** A view of a remote attachment, as published on its gateway's channel. */
export interface AttachmentMessage {
  attachmentId: string;
  view: SessionView;
}

/** The fan-out channel of a gateway's live attachments. */
export function gatewayChannel(gatewayId: string): string {
  return `ocs:gw:${gatewayId}`;
}
