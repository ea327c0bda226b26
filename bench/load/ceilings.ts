import { onProduct, steadyOf, withPool, type RunContext } from './harness';
import { share, type WorkerPool } from './pool';
import type { Target, Task } from './protocol';
import { Sampler } from './sampler';
import { CHAT_SERVICE, startBare, type ServerProcess } from './servers';

/** A closed loop's figures: rate per second, p99 latency (ms), server CPU (cores), errors, set-up time (s). */
export interface LoopFigures {
  rate: number;
  p99Ms: number;
  serverCpu: number;
  errors: number;
  setupSeconds: number;
}

export interface CeilingResult {
  work: 'http' | 'relay';
  title: string;
  concurrency: number;
  unit: string;
  bare: LoopFigures;
  product: LoopFigures;
  ratio: number;
}

/**
 * One closed loop against a server, after an unmeasured one of `warmupMs` (so that both sides run optimized code):
 * its rate (per second), p99 latency, and the server's CPU meanwhile.
 */
async function closedLoop(
  pool: WorkerPool,
  targets: Target[],
  sampler: Sampler,
  taskOf: (i: number, durationMs: number) => Task,
  unit: 'requests' | 'messages',
  durationMs: number,
  warmupMs: number,
) {
  await pool.run((i) => taskOf(i, warmupMs), targets);
  const start = sampler.now();
  const result = await pool.run((i) => taskOf(i, durationMs), targets);
  const seconds = result.elapsedMs / 1000;
  const latency = unit === 'requests' ? [result.latency.request] : [result.latency.toAgent, result.latency.toCustomer];
  const loop = steadyOf(sampler.samples, sampler.now() - seconds, sampler.now());
  return {
    rate: Math.round(result.counters[unit] / Math.max(0.001, seconds)),
    p99Ms: Math.max(0, ...latency.map((l) => l?.p99 ?? 0)),
    serverCpu: Math.round(loop.serverCpuAvg * 100) / 100,
    errors: result.counters.errors,
    setupSeconds: Math.round((sampler.now() - start - seconds) * 10) / 10,
  };
}

/** Starts a bare baseline server and a sampler of it; runs `body`; stops them. */
async function onBare<T>(kind: 'http' | 'ws', ctx: RunContext, pool: WorkerPool, body: (server: ServerProcess, sampler: Sampler) => Promise<T>): Promise<T> {
  const server = await startBare(kind, ctx.logFile);
  const sampler = new Sampler(
    server.pids,
    undefined,
    0,
    () => [process.pid, ...pool.pids],
    () => pool.counters(),
  );
  sampler.start();
  try {
    return await body(server, sampler);
  } finally {
    sampler.stop();
    await server.stop();
  }
}

/**
 * The machine's ceiling for the same client work, and the product's figure at the same client concurrency: HTTP
 * requests/s (the product's `refresh`) and messages/s relayed between the two parties of a chat (CometD customer and
 * agent WebSocket; two `ws` clients through a bare relay).
 */
export async function ceilings(ctx: RunContext): Promise<CeilingResult[]> {
  const o = ctx.options;
  const loop = [o.ceilingSeconds * 1000, o.warmupSeconds * 1000] as const;
  const http =
    (against: 'bare' | 'product') =>
    (i: number, durationMs: number): Task => ({
      kind: 'http-ceiling',
      against,
      service: CHAT_SERVICE,
      concurrency: share(o.concurrency, o.workers, i),
      durationMs,
    });
  const relay =
    (against: 'bare' | 'product') =>
    (i: number, durationMs: number): Task => ({
      kind: 'relay-ceiling',
      against,
      cometdTransport: o.cometdTransport,
      pairs: share(o.concurrency, o.workers, i),
      durationMs,
      messageBytes: o.messageBytes,
    });
  return withPool(ctx, async (pool) => {
    const bareHttp = await onBare('http', ctx, pool, (server, sampler) => closedLoop(pool, server.targets, sampler, http('bare'), 'requests', ...loop));
    const bareRelay = await onBare('ws', ctx, pool, (server, sampler) => closedLoop(pool, server.targets, sampler, relay('bare'), 'messages', ...loop));
    const [productHttp, productRelay] = await onProduct(ctx, pool, async (h) => [
      await closedLoop(pool, h.product.targets, h.sampler, http('product'), 'requests', ...loop),
      await closedLoop(pool, h.product.targets, h.sampler, relay('product'), 'messages', ...loop),
    ]);
    const ratio = (product: number, bare: number) => Math.round((product / Math.max(1, bare)) * 100) / 100;
    return [
      {
        work: 'http',
        title: 'HTTP requests/s (customer refresh; bare: form parsed, GMS-shaped JSON)',
        concurrency: o.concurrency,
        unit: 'requests/s',
        bare: bareHttp,
        product: productHttp,
        ratio: ratio(productHttp.rate, bareHttp.rate),
      },
      {
        work: 'relay',
        title: 'Messages/s relayed customer ⇄ agent (CometD + agent WebSocket; bare: ws relay)',
        concurrency: o.concurrency,
        unit: 'messages/s',
        bare: bareRelay,
        product: productRelay,
        ratio: ratio(productRelay.rate, bareRelay.rate),
      },
    ];
  });
}
