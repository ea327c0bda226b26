/** What a driver gets from the worker it runs in. */
export interface WorkerEnv {
  /** The worker's number, from 0. */
  index: number;
  /** Source address of the worker's connections (its own 127.0.0.x, so each worker has its own ephemeral ports). */
  localAddress: string;
  /** How long any single request may take before it counts as failed. */
  timeoutMs: number;
}

/** What a driver leaves when its task is done: how long its measured part took, and what keeps running until stopped. */
export interface DriverOutcome {
  elapsedMs: number;
  stop?: () => void;
}

/** Resolves at `performance.now()` time `at` (at once if it has passed). */
export function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - performance.now())));
}

/** Runs `work(i)` for i = 0 … count-1, at most `concurrency` at a time. */
export async function inPool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
