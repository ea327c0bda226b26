import type { ChatSession, Participant } from '@ocs/chat-domain';
import type { HeldSession } from './engine-api';

/**
 * The sessions this node holds, with the two ways callers find one without its id: a party's secure key (the party
 * is then found in the session by its key) and the interaction that stands for it.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, ChatSession>();
  private readonly keys = new Map<string, string>();
  private readonly interactions = new Map<string, string>();

  get size(): number {
    return this.sessions.size;
  }

  /** Every session held, in the order they came. */
  all(): IterableIterator<ChatSession> {
    return this.sessions.values();
  }

  /** What an operator may see of each session held: times, state, parties present by type; no name, key or text. */
  summaries(): HeldSession[] {
    return [...this.sessions.values()].map(({ state }) => {
      const parties: Record<string, number> = {};
      for (const p of state.participants) if (p.present) parties[p.userType] = (parties[p.userType] ?? 0) + 1;
      return {
        sessionId: state.id,
        createdAt: state.createdAt,
        isRestored: state.restored === true,
        closed: state.status === 'CLOSED',
        parties,
        ...(state.interactionId ? { interactionId: state.interactionId } : {}),
      };
    });
  }

  get(sessionId: string): ChatSession | undefined {
    return this.sessions.get(sessionId);
  }

  /** Holds a session, new or restored, with every party's key and its interaction. */
  add(session: ChatSession): void {
    this.sessions.set(session.id, session);
    for (const p of session.state.participants) this.keys.set(p.secureKey, session.id);
    if (session.state.interactionId) this.interactions.set(session.state.interactionId, session.id);
  }

  addParty(session: ChatSession, party: Participant): void {
    this.keys.set(party.secureKey, session.id);
  }

  bindInteraction(session: ChatSession, interactionId: string): void {
    session.bindInteraction(interactionId);
    this.interactions.set(interactionId, session.id);
  }

  /** The session and party a secure key belongs to. */
  byKey(secureKey: string): { session: ChatSession; party: Participant } | undefined {
    const sessionId = typeof secureKey === 'string' ? this.keys.get(secureKey) : undefined;
    const session = sessionId === undefined ? undefined : this.sessions.get(sessionId);
    const party = session?.state.participants.find((p) => p.secureKey === secureKey);
    return session && party && { session, party };
  }

  byInteraction(interactionId: string): string | undefined {
    return this.interactions.get(interactionId);
  }

  /** Lets go of a session: its keys and interaction go with it. */
  remove(session: ChatSession): void {
    for (const p of session.state.participants) this.keys.delete(p.secureKey);
    if (session.state.interactionId) this.interactions.delete(session.state.interactionId);
    this.sessions.delete(session.id);
  }
}
