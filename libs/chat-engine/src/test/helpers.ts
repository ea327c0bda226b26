/** Shared fixtures of the chat-engine tests (under test/, so the build leaves them out). */
import type { ChatError } from '@ocs/chat-domain';
import type { Actor } from '../engine-api';

/** The actor of a party, from what join or create answered. */
export function actor(p: { sessionId: string; userId: string; secureKey: string }): Actor {
  return { sessionId: p.sessionId, userId: p.userId, secureKey: p.secureKey };
}

/** The ChatError `work` rejects with; fails if it resolves. */
export async function refusal(work: Promise<unknown>): Promise<ChatError> {
  try {
    await work;
  } catch (error) {
    return error as ChatError;
  }
  throw new Error('expected a refusal');
}
