import { MemoryEventBus, MemoryTranscriptStore } from '@ocs/adapters-memory';
import { ChatError, DEFAULT_RULES, type SessionRules } from '@ocs/chat-domain';
import { ChatEngine, type Actor } from '@ocs/chat-engine';
import { CryptoIds, systemClock, type EventBus } from '@ocs/ports';

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

/** A chat on `engine`: a customer (Ann) created it and an agent (Bob) joined; their actors. */
export async function customerWithAgent(engine: ChatEngine): Promise<{ sessionId: string; customer: Actor; agent: Actor }> {
  const customer = await engine.createSession({ creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } });
  const agent = await engine.join(customer.party.sessionId, { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 });
  return { sessionId: customer.party.sessionId, customer: actor(customer.party), agent: actor(agent.party) };
}

/** A session engine on in-memory adapters with the system clock, as gateway tests put behind their HTTP servers. */
export function memoryEngine(rules: SessionRules = DEFAULT_RULES, bus: EventBus = new MemoryEventBus()): ChatEngine {
  return new ChatEngine({ clock: systemClock, ids: new CryptoIds(), rules, store: new MemoryTranscriptStore(), bus });
}
