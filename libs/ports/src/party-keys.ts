import { createHash } from 'node:crypto';

/**
 * Which session each party's secure key belongs to, durably: a customer that presents its key alone (a Genesys
 * client handshaking again without its chat id) is found while no node holds its session in memory (its node was
 * lost and no other restored it yet). The key itself is never stored, only its digest (`partyKeyDigest`). Cassandra
 * in a cluster, with the guide's cleanup procedure when the transcripts have it; memory in the embedded mode and in tests.
 */
export interface PartyKeyIndex {
  /** Records the party of `secureKey` as a party of `sessionId`; done before the party's creation is acknowledged. */
  record(secureKey: string, sessionId: string): Promise<void>;
  /** The session of the party of `secureKey`, or undefined for a key never recorded (or expired with the cleanup procedure). */
  sessionOf(secureKey: string): Promise<string | undefined>;
}

/** What an index stores for a secure key: its SHA-256 digest, in hex (the key is 128 random bits, so no salt is needed). */
export function partyKeyDigest(secureKey: string): string {
  return createHash('sha256').update(secureKey, 'utf8').digest('hex');
}
