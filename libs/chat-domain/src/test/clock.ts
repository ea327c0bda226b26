import type { Clock, IdSource } from '../clock';

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
