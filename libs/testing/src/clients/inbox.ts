/** How long a test waits for something that should arrive; past it the test fails with what did arrive. */
export const WAIT_MS = 5000;

/**
 * Collects what a client receives; `next(match)` takes the first item, already received or still to come,
 * that matches, and fails after WAIT_MS naming what was expected.
 */
export class Inbox<T> {
  readonly history: T[] = [];
  private readonly unclaimed: T[] = [];
  private readonly waiters: Array<{ match: (item: T) => boolean; resolve: (item: T) => void }> = [];

  push(item: T): void {
    this.history.push(item);
    const waiter = this.waiters.find((w) => w.match(item));
    if (!waiter) {
      this.unclaimed.push(item);
      return;
    }
    this.waiters.splice(this.waiters.indexOf(waiter), 1);
    waiter.resolve(item);
  }

  next(match: (item: T) => boolean, what: string): Promise<T> {
    const index = this.unclaimed.findIndex(match);
    if (index >= 0) return Promise.resolve(this.unclaimed.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} within ${WAIT_MS} ms; received ${JSON.stringify(this.history).slice(0, 4000)}`));
      }, WAIT_MS);
      this.waiters.push(waiter);
    });
  }
}

/** Polls `probe` until it yields a value (not undefined); fails after `waitMs` naming what was awaited. */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, waitMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${waitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
