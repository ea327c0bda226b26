/** Time and identity sources are injected so every rule runs the same in a test as in production. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface IdSource {
  /** Chat session id (16 characters). */
  sessionId(): string;
  /** Participant id (16 hex digits). */
  userId(): string;
  /** A crypto-random secret (secure keys, session passwords). */
  secret(): string;
}

/** A clock moved by hand, for tests and simulations. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 1)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/** Predictable ids, for tests. */
export class SequentialIds implements IdSource {
  private n = 0;
  private next(prefix: string): string {
    this.n += 1;
    return (prefix + this.n.toString(16).toUpperCase()).padStart(16, '0');
  }
  sessionId(): string {
    return this.next('5');
  }
  userId(): string {
    return this.next('A');
  }
  secret(): string {
    return this.next('C').toLowerCase();
  }
}
