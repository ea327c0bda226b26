/** Below this many entries the heap is never rebuilt to drop stale ones. */
const MIN_COMPACT = 64;

/**
 * A min-heap of (deadline, key) with lazy deletion: rescheduling a key just pushes a new entry and older
 * entries for that key are skipped when they surface. Pure data structure; the caller owns the clock.
 *
 * Compact, as it holds an entry for every session of a server: the heap is two parallel arrays (deadlines as
 * unboxed doubles, keys), not an object per entry, and once stale entries outnumber half the live ones the heap is
 * rebuilt without them (amortized O(1) per `schedule`), so it never holds much more than one entry per key.
 */
export class DeadlineQueue {
  private ats: number[] = [];
  private keys: string[] = [];
  private readonly current = new Map<string, number>();

  get size(): number {
    return this.current.size;
  }

  /** Entries held, stale ones included (at most about 1.5 × `size`, once past a small number). */
  get entries(): number {
    return this.ats.length;
  }

  schedule(key: string, at: number | undefined): void {
    if (at === undefined) {
      this.current.delete(key);
      return;
    }
    if (this.current.get(key) === at) return;
    this.current.set(key, at);
    this.push(at, key);
    if (this.ats.length >= MIN_COMPACT && this.ats.length > this.current.size * 1.5) this.compact();
  }

  /** Earliest pending deadline. */
  peek(): number | undefined {
    this.dropStale();
    return this.ats.length > 0 ? this.ats[0] : undefined;
  }

  /** Removes and returns every key whose deadline is at or before `now`. */
  popDue(now: number): string[] {
    const due: string[] = [];
    for (;;) {
      this.dropStale();
      if (this.ats.length === 0 || this.ats[0] > now) return due;
      const key = this.keys[0];
      this.pop();
      this.current.delete(key);
      due.push(key);
    }
  }

  private isStale(i: number): boolean {
    return this.current.get(this.keys[i]) !== this.ats[i];
  }

  private dropStale(): void {
    while (this.ats.length > 0 && this.isStale(0)) this.pop();
  }

  /** Keeps only the live entries (one per key) and restores the heap order. */
  private compact(): void {
    const ats: number[] = [];
    const keys: string[] = [];
    for (let i = 0; i < this.ats.length; i++) {
      if (this.isStale(i)) continue;
      ats.push(this.ats[i]);
      keys.push(this.keys[i]);
    }
    this.ats = ats;
    this.keys = keys;
    for (let i = (ats.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private push(at: number, key: string): void {
    this.ats.push(at);
    this.keys.push(key);
    let i = this.ats.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.ats[parent] <= this.ats[i]) break;
      this.swap(parent, i);
      i = parent;
    }
  }

  private pop(): void {
    const at = this.ats.pop();
    const key = this.keys.pop();
    if (this.ats.length === 0 || at === undefined || key === undefined) return;
    this.ats[0] = at;
    this.keys[0] = key;
    this.siftDown(0);
  }

  private siftDown(from: number): void {
    const h = this.ats;
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l] < h[m]) m = l;
      if (r < h.length && h[r] < h[m]) m = r;
      if (m === i) return;
      this.swap(m, i);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const at = this.ats[a];
    this.ats[a] = this.ats[b];
    this.ats[b] = at;
    const key = this.keys[a];
    this.keys[a] = this.keys[b];
    this.keys[b] = key;
  }
}
