/**
 * Who owns a session: the node that serves it. A node claims a session by writing a newer ownership record;
 * the newest record wins, so two nodes racing to restore one session end with exactly one owner. Cassandra's
 * `owner` table in a cluster; memory in the embedded mode.
 */
export interface Ownership {
  nodeId: string;
  /** Epoch milliseconds of the claim (from the record's time-based id). */
  since: number;
}

export interface OwnershipStore {
  /** Writes a claim of `nodeId` and answers the owner after it (which may be another node that claimed later). */
  claim(sessionId: string, nodeId: string): Promise<Ownership>;
  /** The current owner, or undefined for a session never claimed (or removed). */
  owner(sessionId: string): Promise<Ownership | undefined>;
  remove(sessionId: string): Promise<void>;
}
