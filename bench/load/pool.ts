import { fork, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { resolve } from 'node:path';
import { addTally, emptyTally, type Tally } from './accounting';
import { Latency, type LatencySummary } from './latency';
import { emptyCounters } from './measure';
import type { Counters, FromWorker, Target, Task, TaskResult, ToWorker } from './protocol';

/** The workers' results of one task, added up. */
export interface Merged {
  counters: Counters;
  /** The longest of the workers' measured times. */
  elapsedMs: number;
  accounting: Tally;
  latency: Record<string, LatencySummary>;
  errors: Record<string, number>;
}

export function merge(results: TaskResult[]): Merged {
  const counters = emptyCounters();
  const accounting = emptyTally();
  const latency = new Map<string, Latency>();
  const errors: Record<string, number> = {};
  for (const r of results) {
    for (const key of Object.keys(counters) as Array<keyof Counters>) counters[key] += r.counters[key];
    addTally(accounting, r.accounting);
    for (const [name, encoded] of Object.entries(r.latency)) latency.set(name, (latency.get(name) ?? Latency.empty()).add(Latency.decode(encoded)));
    for (const [what, count] of Object.entries(r.errors)) errors[what] = (errors[what] ?? 0) + count;
  }
  return {
    counters,
    elapsedMs: Math.max(0, ...results.map((r) => r.elapsedMs)),
    accounting,
    latency: Object.fromEntries([...latency].map(([name, h]) => [name, h.summary()])),
    errors,
  };
}

/** Load-generator workers (worker.js), each a process of its own; the parent hands each its share of a task. */
export class WorkerPool {
  private readonly latest: Counters[];

  private constructor(private readonly children: ChildProcess[]) {
    this.latest = children.map(() => emptyCounters());
    children.forEach((child, i) =>
      child.on('message', (m: FromWorker) => {
        if (m.type === 'tick') this.latest[i] = m.counters;
      }),
    );
  }

  /** Forks `count` workers, their output appended to `logFile`; resolves once all are ready. */
  static async start(count: number, timeoutMs: number, logFile: string): Promise<WorkerPool> {
    const log = openSync(logFile, 'a');
    const children = Array.from({ length: count }, (_, i) =>
      fork(resolve(__dirname, 'worker.js'), [String(i), String(timeoutMs)], { execArgv: [], stdio: ['ignore', log, log, 'ipc'] }),
    );
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done, fail) => {
            child.once('message', () => done());
            child.once('exit', (code) => fail(new Error(`a bench worker exited (${code}); see ${logFile}`)));
          }),
      ),
    );
    return new WorkerPool(children);
  }

  get size(): number {
    return this.children.length;
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid ?? 0);
  }

  /** The workers' latest counters, added up. */
  counters(): Counters {
    const sum = emptyCounters();
    for (const c of this.latest) for (const key of Object.keys(sum) as Array<keyof Counters>) sum[key] += c[key];
    return sum;
  }

  /** Runs `taskOf(i)` in every worker i, against `targets[i % targets.length]`; resolves with their results added up. */
  async run(taskOf: (worker: number) => Task, targets: Target[]): Promise<Merged> {
    const results = await Promise.all(
      this.children.map(
        (child, i) =>
          new Promise<TaskResult>((done, fail) => {
            const listener = (m: FromWorker) => {
              if (m.type !== 'done' && m.type !== 'failed') return;
              child.off('message', listener);
              if (m.type === 'done') done(m.result);
              else fail(new Error(`bench worker ${i} failed: ${m.error}`));
            };
            child.on('message', listener);
            this.send(i, { type: 'run', task: taskOf(i), target: targets[i % targets.length] });
          }),
      ),
    );
    return merge(results);
  }

  /** Tells every worker to stop and waits until all have exited. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child, i) => {
        if (child.exitCode !== null) return undefined;
        const exited = new Promise((done) => child.once('exit', done));
        this.send(i, { type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        return exited.finally(() => clearTimeout(timer));
      }),
    );
  }

  private send(worker: number, message: ToWorker): void {
    const child = this.children[worker];
    if (child.connected) child.send(message);
  }
}

/** `total` split over `parts` as evenly as whole numbers allow: part `i`. */
export function share(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0);
}
