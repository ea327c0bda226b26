import { jsonCopy, type StatisticsCheckpoint, type StatisticsCheckpoints } from '@ocs/ports';

/** Saves between two sweeps of expired checkpoints: the sweep's cost spreads over the saves. */
const SWEEP_EVERY = 1_000;

/**
 * Statistics checkpoints in this process's memory (embedded mode): stored and read back as copies of their JSON
 * data, so what is read back is what a checkpoint in Redis would give, and a caller cannot change a stored one by
 * keeping a reference. (A copy, not JSON text: the attacher saves and loads a checkpoint for every record.)
 */
export class MemoryStatisticsCheckpoints implements StatisticsCheckpoints {
  private readonly entries = new Map<string, { checkpoint: StatisticsCheckpoint; expiresAt: number }>();
  private saves = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async load(sessionId: string): Promise<StatisticsCheckpoint | undefined> {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return jsonCopy(entry.checkpoint);
  }

  async save(sessionId: string, checkpoint: StatisticsCheckpoint, ttlMs: number): Promise<void> {
    this.entries.set(sessionId, { checkpoint: jsonCopy(checkpoint), expiresAt: this.now() + ttlMs });
    if ((this.saves += 1) % SWEEP_EVERY === 0) this.sweep();
  }

  async delete(sessionId: string): Promise<void> {
    this.entries.delete(sessionId);
  }

  /** Checkpoints held, expired ones not yet swept included. */
  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [sessionId, { expiresAt }] of this.entries) if (expiresAt <= now) this.entries.delete(sessionId);
  }
}
