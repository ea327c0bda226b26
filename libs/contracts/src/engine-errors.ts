import { CHAT_ERROR_CODES, ChatError, CredentialsRefused, type ChatErrorCode } from '@ocs/chat-domain';
import { z } from 'zod';

/** NOT_OWNER: another node serves the session; `owner` names that node when one is known (a caller goes there next). */
export class NotOwnerError extends ChatError {
  constructor(
    message: string,
    readonly owner: string | undefined,
  ) {
    super('NOT_OWNER', message);
  }

  static of(sessionId: string, owner: string | undefined): NotOwnerError {
    return new NotOwnerError(
      owner === undefined ? `chat session ${sessionId} is served by no node now` : `chat session ${sessionId} is served by node ${owner}`,
      owner,
    );
  }
}

/**
 * An engine's answer to a call as it travels between nodes (the engine RPC): a refusal keeps its code, its message and
 * its data (the owner of NOT_OWNER; `credentials` for a SESSION_NOT_FOUND that refuses the credentials, see
 * `CredentialsRefused`); an internal failure has no code and a generic message.
 */
export const wireErrorSchema = z.object({
  code: z.string().optional(),
  message: z.string(),
  owner: z.string().optional(),
  credentials: z.literal('refused').optional(),
});
export type WireError = z.infer<typeof wireErrorSchema>;

export function toWireError(error: ChatError): WireError {
  return {
    code: error.code,
    message: error.message,
    ...(error instanceof NotOwnerError && error.owner !== undefined ? { owner: error.owner } : {}),
    ...(error instanceof CredentialsRefused ? { credentials: 'refused' as const } : {}),
  };
}

function isChatErrorCode(code: string): code is ChatErrorCode {
  return (CHAT_ERROR_CODES as readonly string[]).includes(code);
}

/** The refusal a wire error stands for, as the engine threw it; undefined for one without a known code (a failure, not a refusal). */
export function fromWireError(wire: WireError): ChatError | undefined {
  if (wire.code === 'NOT_OWNER') return new NotOwnerError(wire.message, wire.owner);
  if (wire.code === 'SESSION_NOT_FOUND' && wire.credentials === 'refused') return new CredentialsRefused(wire.message);
  return wire.code !== undefined && isChatErrorCode(wire.code) ? new ChatError(wire.code, wire.message) : undefined;
}
