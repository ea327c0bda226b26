/**
 * Who owns a session: the node that serves it. A claim is a compare-and-set: it takes the session only from the
 * owner the claimer saw, so two nodes racing to restore one session end with exactly one owner, and saves fenced
 * by the owner (`TranscriptStore.save` with `owner`) of a node that lost the session are refused. Cassandra in a
 * cluster (a lightweight transaction); memory in the embedded mode and in tests.
 */
export interface Ownership {
  nodeId: string;
  /** Epoch milliseconds of the claim. */
  since: number;
}

export interface OwnershipStore {
  /**
   * Takes the session for `nodeId` if its owner is still `expected` (absent: the session has no owner yet).
   * Answers the owner after the attempt: `nodeId` when the claim won, the owner that stands when it did not
   * (undefined if the session lost its owner meanwhile: removed).
   */
  claim(sessionId: string, nodeId: string, expected?: string): Promise<Ownership | undefined>;
  /** The current owner, or undefined for a session never claimed (or removed). */
  owner(sessionId: string): Promise<Ownership | undefined>;
  remove(sessionId: string): Promise<void>;
}

/** A save fenced by an owner that no longer owns the session: refused, nothing written. */
export class OwnershipLostError extends Error {
  constructor(
    readonly sessionId: string,
    readonly nodeId: string,
    readonly owner: string | undefined,
  ) {
    super(`node ${nodeId} no longer owns chat session ${sessionId} (owner: ${owner ?? 'none'})`);
    this.name = 'OwnershipLostError';
  }
}
