import { ChatError, CredentialsRefused, sameSecret, type ChatSession, type Participant } from '@ocs/chat-domain';
import type { SessionMetrics } from '@ocs/ports';
import type { Actor, PartyCredentials } from './engine-api';
import type { MembershipLease } from './membership-lease';
import type { Restoration, RestoreRequest } from './restoration';
import type { SessionRegistry } from './session-registry';

/** Unknown session and wrong key are refused alike, so a caller learns nothing about sessions it may not see. */
const ACCESS_DENIED = 'chat session not found, or the credentials do not match it';

/** The party `actor` names in the session, if it presents that party's secure key (and speaks its protocol, when `via` says). */
export function partyOf(session: ChatSession, actor: Actor): Participant {
  const party = session.participant(actor.userId);
  if (
    !party ||
    typeof actor.secureKey !== 'string' ||
    !sameSecret(actor.secureKey, party.secureKey) ||
    (actor.via !== undefined && actor.via !== party.protocol)
  ) {
    throw new CredentialsRefused(ACCESS_DENIED);
  }
  return party;
}

/** What a party is given to make its calls with. */
export function credentials(session: ChatSession, party: Participant): PartyCredentials {
  return { sessionId: session.id, userId: party.userId, secureKey: party.secureKey, partyNumber: party.partyNumber };
}

/**
 * A session that cannot be found is refused to a party with the same words as a wrong key; whether it was an answer
 * about the credentials (`CredentialsRefused`) or a passing one is kept.
 */
export function deniedIfNotFound(error: unknown): never {
  if (error instanceof CredentialsRefused) throw new CredentialsRefused(ACCESS_DENIED);
  if (error instanceof ChatError && error.code === 'SESSION_NOT_FOUND') throw new ChatError('SESSION_NOT_FOUND', ACCESS_DENIED);
  throw error;
}

/**
 * How the engine finds the session of a call: held here, or restored here (cluster) when the caller may restore it;
 * a party's call also presents its credentials. A refused party call is told to `metrics` (`request_error`).
 */
export class SessionAccess {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly restoration: Restoration | undefined,
    /** The node's membership lease (cluster): after a lapse, a copy held is served only if still this node's. */
    private readonly lease: MembershipLease | undefined,
    private readonly metrics: SessionMetrics | undefined,
  ) {}

  /** The session held here (after a membership lapse, only if still this node's), or restored here if `by` may. */
  async session(sessionId: string, by: RestoreRequest = 'always'): Promise<ChatSession> {
    const held = this.registry.get(sessionId);
    if (held && (await this.stillOurs(held))) return held;
    // Without restoration (one node) what this node does not hold does not exist.
    if (!this.restoration) throw new CredentialsRefused(`chat session ${sessionId} not found`);
    return this.restoration.restore(sessionId, by);
  }

  /**
   * The party of a secure key: with the session named, in that session wherever it is (restored here if its owner is
   * gone); without, in a session held here (after a membership lapse, only if still this node's).
   */
  async findParty(secureKey: string, sessionId?: string): Promise<Actor | undefined> {
    if (sessionId !== undefined) {
      const session = await this.session(sessionId).catch(deniedIfNotFound);
      const party = session.state.participants.find((p) => sameSecret(secureKey, p.secureKey));
      return party && { sessionId: session.id, userId: party.userId, secureKey };
    }
    const found = this.registry.byKey(secureKey);
    if (!found || !(await this.stillOurs(found.session))) return undefined;
    return { sessionId: found.session.id, userId: found.party.userId, secureKey };
  }

  /** The session and party of a party's call (see `partyOf`). */
  async authenticate(actor: Actor): Promise<{ session: ChatSession; party: Participant }> {
    try {
      const session = await this.session(actor.sessionId).catch(deniedIfNotFound);
      return { session, party: partyOf(session, actor) };
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** Tells a party's request refused (`request_error`) and answers its error, to be thrown. */
  failed(error: unknown): unknown {
    this.metrics?.requestFailed?.();
    return error;
  }

  /** A copy held is this node's to serve: always, but after a membership lapse only once the ownership records say so. */
  private async stillOurs(held: ChatSession): Promise<boolean> {
    return !this.lease?.inDoubt() || this.lease.stillOwned(held);
  }
}
