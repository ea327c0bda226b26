import type { Ownership, OwnershipStore } from '@ocs/ports';

/**
 * One process's session owners, claimed by compare-and-set. `since` follows a monotonic clock (never below the
 * previous claim's, even if the wall clock steps back), so the order of claims and of their times agree.
 */
export class MemoryOwnershipStore implements OwnershipStore {
  private readonly owners = new Map<string, Ownership>();
  private lastSince = 0;

  async claim(sessionId: string, nodeId: string, expected?: string): Promise<Ownership | undefined> {
    const current = this.owners.get(sessionId);
    if (current?.nodeId !== expected) return current && { ...current };
    this.lastSince = Math.max(Date.now(), this.lastSince);
    const ownership = { nodeId, since: this.lastSince };
    this.owners.set(sessionId, ownership);
    return { ...ownership };
  }

  async owner(sessionId: string): Promise<Ownership | undefined> {
    const ownership = this.owners.get(sessionId);
    return ownership && { ...ownership };
  }

  async remove(sessionId: string): Promise<void> {
    this.owners.delete(sessionId);
  }
}
