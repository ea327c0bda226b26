/**
 * The average of the values recorded in the last whole interval (`limit-average-interval`): time is cut into
 * intervals from the first one; the average of an interval counts once it has ended, and an interval without any
 * value averages 0. Two numbers per value, nothing allocated.
 */
export class AverageOverInterval {
  private sum = 0;
  private count = 0;
  private last = 0;

  constructor(
    private readonly intervalMs: number,
    private start: number,
  ) {}

  add(value: number, now: number): void {
    this.roll(now);
    this.sum += value;
    this.count++;
  }

  /** The average of the last interval that ended by `now`. */
  average(now: number): number {
    this.roll(now);
    return this.last;
  }

  private roll(now: number): void {
    const elapsed = now - this.start;
    if (elapsed < this.intervalMs) return;
    // The interval being filled has ended; if a whole one has passed since, that one had no value.
    this.last = elapsed < 2 * this.intervalMs && this.count > 0 ? this.sum / this.count : 0;
    this.start = now - (elapsed % this.intervalMs);
    this.sum = 0;
    this.count = 0;
  }
}
