/** What `AddressWindows.hit` tells of one address. */
export interface AddressCount {
  /** Events of the address in its current window, this one included. */
  count: number;
  /** Events of its previous window, when that window ended right before this one began; else 0. */
  previous: number;
  /** Milliseconds until the current window ends. */
  remainingMs: number;
}

/** Addresses held at most: room for every client of a large site within two intervals, a few MB. */
export const ADDRESS_WINDOWS_MAX = 100_000;

/**
 * Counts events per remote address in fixed windows of `intervalMs`, each starting at the address's first event.
 * Windows that ended over an interval ago are dropped (at most one sweep per interval), so what it holds follows
 * the addresses seen in about the last two intervals, whatever a client sends; and never more than `maxAddresses`
 * of them (a client with many addresses, as IPv6 gives, pushes out the longest-held first).
 */
export class AddressWindows {
  private readonly windows = new Map<string, { start: number; count: number; previous: number }>();
  private nextSweep: number;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxAddresses = ADDRESS_WINDOWS_MAX,
  ) {
    this.nextSweep = now() + intervalMs;
  }

  hit(address: string): AddressCount {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    let window = this.windows.get(address);
    if (!window || now >= window.start + this.intervalMs) {
      const follows = window !== undefined && now < window.start + 2 * this.intervalMs;
      if (!window && this.windows.size >= this.maxAddresses) this.windows.delete(this.windows.keys().next().value as string);
      window = { start: now, count: 0, previous: follows && window ? window.count : 0 };
      this.windows.set(address, window);
    }
    window.count += 1;
    return { count: window.count, previous: window.previous, remainingMs: window.start + this.intervalMs - now };
  }

  /** Addresses held (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    this.nextSweep = now + this.intervalMs;
    for (const [address, window] of this.windows) {
      if (now >= window.start + 2 * this.intervalMs) this.windows.delete(address);
    }
  }
}
