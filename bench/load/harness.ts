import type { Options } from './options';
import { WorkerPool } from './pool';
import { Sampler, type Sample } from './sampler';
import { startCluster } from './cluster-product';
import { startProduct, type Product } from './servers';

/** What a scenario needs from the run. */
export interface RunContext {
  options: Options;
  logFile: string;
  /** Where the product writes CPU profiles (`--cpu-prof`). */
  profileDir?: string;
  /** Tells the person running the bench how it goes. */
  progress(line: string): void;
}

/** Seconds between progress lines while a product runs. */
const PROGRESS_EVERY_MS = 15_000;

/** The samples of a window (seconds since the scenario started), summed up. */
export interface Steady {
  from: number;
  to: number;
  heldAvg: number;
  heldMax: number;
  createdPerSecond: number;
  closedPerSecond: number;
  messagesPerSecond: number;
  requestsPerSecond: number;
  /** Server CPU in cores (1 = one core busy). */
  serverCpuAvg: number;
  serverRssMaxMb: number;
  loopP99MaxMs?: number;
  loopMaxMs?: number;
  loadCpuAvg: number;
  serverFdsMax?: number;
}

function average(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function maxOf(values: Array<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return known.length === 0 ? undefined : Math.max(...known);
}

/** The samples of `[from, to]` summed up: averages, peaks, and rates from the counters at both ends. */
export function steadyOf(samples: Sample[], from: number, to: number): Steady {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  const first = inside[0];
  const last = inside.at(-1);
  const span = first && last ? Math.max(0.001, last.t - first.t) : 1;
  const rate = (key: keyof Sample['counters']) => (first && last ? (last.counters[key] - first.counters[key]) / span : 0);
  return {
    from,
    to,
    heldAvg: average(inside.map((s) => s.counters.held)),
    heldMax: Math.max(0, ...inside.map((s) => s.counters.held)),
    createdPerSecond: rate('created'),
    closedPerSecond: rate('closed'),
    messagesPerSecond: rate('messages'),
    requestsPerSecond: rate('requests'),
    serverCpuAvg: average(inside.map((s) => s.serverCpu)),
    serverRssMaxMb: Math.max(0, ...inside.map((s) => s.serverRssMb)),
    loopP99MaxMs: maxOf(inside.map((s) => s.loopP99Ms)),
    loopMaxMs: maxOf(inside.map((s) => s.loopMaxMs)),
    loadCpuAvg: average(inside.map((s) => s.loadCpu)),
    serverFdsMax: maxOf(inside.map((s) => s.serverFds)),
  };
}

export interface Harness {
  product: Product;
  pool: WorkerPool;
  sampler: Sampler;
}

/**
 * Starts the product (embedded, or the cluster) and the sampler beside the workers; runs `body`; stops them again.
 * The product's built-in routing hands the workers' chats to their agents.
 */
export async function onProduct<T>(ctx: RunContext, pool: WorkerPool, body: (h: Harness) => Promise<T>): Promise<T> {
  const { options } = ctx;
  const product = await (options.mode === 'cluster' ? startCluster : startProduct)(options.serverNodeOptions, ctx.logFile, ctx.profileDir);
  const sampler = new Sampler(
    product.pids,
    product.metrics,
    options.metricsSeconds * 1000,
    () => [process.pid, ...pool.pids],
    () => pool.counters(),
  );
  sampler.start();
  const progress = setInterval(() => {
    const last = sampler.samples.at(-1);
    if (!last) return;
    const c = last.counters;
    ctx.progress(
      `  ${Math.round(last.t)} s: held ${c.held}, created ${c.created}, closed ${c.closed}, messages ${c.messages}, errors ${c.errors}; server ${last.serverCpu.toFixed(2)} cores, ${Math.round(last.serverRssMb)} MB`,
    );
  }, PROGRESS_EVERY_MS);
  try {
    return await body({ product, pool, sampler });
  } finally {
    clearInterval(progress);
    sampler.stop();
    await product.stop();
  }
}

export async function withPool<T>(ctx: RunContext, body: (pool: WorkerPool) => Promise<T>): Promise<T> {
  const pool = await WorkerPool.start(ctx.options.workers, ctx.options.timeoutSeconds * 1000, ctx.logFile);
  try {
    return await body(pool);
  } finally {
    await pool.stop();
  }
}
