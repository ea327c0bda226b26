import type { SessionState } from '@ocs/chat-domain';
import type { TranscriptStore } from '@ocs/ports';

/** Keeps copies, so later changes of a live session never alter what was saved. */
export class MemoryTranscriptStore implements TranscriptStore {
  private readonly states = new Map<string, string>();

  async save(state: SessionState): Promise<void> {
    this.states.set(state.id, JSON.stringify(state));
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    const json = this.states.get(sessionId);
    return json === undefined ? undefined : (JSON.parse(json) as SessionState);
  }

  async remove(sessionId: string): Promise<void> {
    this.states.delete(sessionId);
  }
}
