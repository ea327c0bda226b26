/**
 * The records of one partition taken in and not yet handled, in offset order, and the offset past the highest one
 * seen: the offset to commit is the lowest one not handled, or past the highest when all are.
 */
class PartitionProgress {
  private entries: Array<{ offset: bigint; handled: boolean }> = [];
  private head = 0;
  private past = 0n;

  /** Notes a record taken in; the returned function marks it handled. */
  take(offset: bigint): () => void {
    const entry = { offset, handled: false };
    let at = this.entries.length;
    while (at > this.head && this.entries[at - 1].offset > offset) at -= 1;
    this.entries.splice(at, 0, entry);
    if (offset + 1n > this.past) this.past = offset + 1n;
    return () => {
      entry.handled = true;
    };
  }

  committable(): bigint {
    while (this.head < this.entries.length && this.entries[this.head].handled) this.head += 1;
    if (this.head > 1024 || this.head === this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return this.head < this.entries.length ? this.entries[this.head].offset : this.past;
  }
}

/**
 * Offsets to commit: of each partition, the offset past the records handled without a gap. One commit runs at a time
 * and takes the latest offsets of every partition with it; a failed commit is reported (its records come again after
 * a rebalance, as at-least-once delivery allows).
 */
export class Commits {
  private partitions = new Map<number, PartitionProgress>();
  private readonly committed = new Map<number, bigint>();
  private readonly next = new Map<number, string>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly commit: (offsets: Array<[number, string]>) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Notes a record taken in at `offset`; call the returned function once it is handled. */
  taken(partition: number, offset: bigint): () => void {
    let progress = this.partitions.get(partition);
    if (!progress) {
      this.partitions.set(partition, (progress = new PartitionProgress()));
      // Where the partition's records came from: the committed offset, or past it.
      this.committed.set(partition, offset);
    }
    const handled = progress.take(offset);
    const owner = progress;
    return () => {
      handled();
      if (this.partitions.get(partition) !== owner) return;
      const offset = owner.committable();
      if (this.committed.get(partition) === offset) return;
      this.committed.set(partition, offset);
      this.next.set(partition, offset.toString());
      this.running ??= this.run();
    };
  }

  /** Forgets what was taken in before a rebalance: the committed offsets are where the partitions start again. */
  reset(): void {
    this.partitions = new Map();
    this.committed.clear();
    this.next.clear();
  }

  /** Resolves once no commit is running. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    while (this.next.size > 0) {
      const offsets = [...this.next];
      this.next.clear();
      await this.commit(offsets).catch(this.onError);
    }
    this.running = undefined;
  }
}
