import type { SessionState } from '@ocs/chat-domain';
import { OwnershipLostError, type OwnershipStore, type TranscriptStore } from '@ocs/ports';

/**
 * Keeps copies, so later changes of a live session never alter what was saved. Fenced saves (`owner` given) check
 * `owners`, the ownership store of the same process, before writing.
 */
export class MemoryTranscriptStore implements TranscriptStore {
  private readonly states = new Map<string, string>();

  constructor(private readonly owners?: OwnershipStore) {}

  async save(state: SessionState, owner?: string): Promise<void> {
    const json = JSON.stringify(state);
    if (owner !== undefined) {
      if (!this.owners) throw new Error('a fenced save needs the ownership store: construct MemoryTranscriptStore with it');
      const current = (await this.owners.owner(state.id))?.nodeId;
      if (current !== owner) throw new OwnershipLostError(state.id, owner, current);
    }
    this.states.set(state.id, json);
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    const json = this.states.get(sessionId);
    return json === undefined ? undefined : (JSON.parse(json) as SessionState);
  }

  async remove(sessionId: string): Promise<void> {
    this.states.delete(sessionId);
  }
}
