import { ChatError, CredentialsRefused, sameSecret, type ChatSession, type Participant } from '@ocs/chat-domain';
import type { Actor } from './engine-api';

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

/**
 * A session that cannot be found is refused to a party with the same words as a wrong key; whether it was an answer
 * about the credentials (`CredentialsRefused`) or a passing one is kept.
 */
export function deniedIfNotFound(error: unknown): never {
  if (error instanceof CredentialsRefused) throw new CredentialsRefused(ACCESS_DENIED);
  if (error instanceof ChatError && error.code === 'SESSION_NOT_FOUND') throw new ChatError('SESSION_NOT_FOUND', ACCESS_DENIED);
  throw error;
}
