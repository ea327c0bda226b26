import type { SessionState } from '@ocs/chat-domain';

/**
 * Durable session state: the transcript and everything needed to restore a session on another node.
 * The in-memory adapter serves the embedded mode; the Cassandra adapter serves the cluster.
 */
export interface TranscriptStore {
  save(state: SessionState): Promise<void>;
  load(sessionId: string): Promise<SessionState | undefined>;
  remove(sessionId: string): Promise<void>;
}
