import { ChatError } from '@ocs/chat-domain';
import type { Actor } from '@ocs/chat-engine';

/** The actor of a party, from what join or create answered. */
export function actor(p: { sessionId: string; userId: string; secureKey: string }): Actor {
  return { sessionId: p.sessionId, userId: p.userId, secureKey: p.secureKey };
}

/** The ChatError `work` rejects with; fails if it resolves or rejects with anything else. */
export async function refusal(work: Promise<unknown>): Promise<ChatError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
