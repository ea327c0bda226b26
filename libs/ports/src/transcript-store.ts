import type { SessionState } from '@ocs/chat-domain';

/**
 * Durable session state: the transcript and everything needed to restore a session on another node.
 * The in-memory adapter serves the embedded mode; the Cassandra adapter serves the cluster.
 */
export interface TranscriptStore {
  /**
   * `owner` fences the save: it is written only while that node owns the session (as the ownership store of the
   * same storage says), atomically with that check; otherwise it is refused with `OwnershipLostError`.
   */
  save(state: SessionState, owner?: string): Promise<void>;
  load(sessionId: string): Promise<SessionState | undefined>;
  remove(sessionId: string): Promise<void>;
}
