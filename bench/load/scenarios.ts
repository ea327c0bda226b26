import { httpJson, keepAlive } from './clients/http';
import type { Mode, Options, Scenario } from './options';
import { WorkerPool, share, type Merged } from './pool';
import type { ChatTask, CustomerTransport, Target, Task } from './protocol';
import { BenchRouter, DirectRouting, type Routing } from './router';
import { probeRpcCost, type RpcCost } from './rpc-cost';
import { Sampler, type Sample } from './sampler';
import { ASYNC_QUEUE, ASYNC_SERVICE, CHAT_QUEUE, CHAT_SERVICE, startBare, startCluster, startProduct, type Product, type ServerProcess } from './servers';

/** REST customers of the churn refresh this often, so that a session lasts about a second. */
const CHURN_POLL_MS = 500;
/** Pause before and after creating dormant sessions, so that the memory samples are of a settled server. */
const SETTLE_MS = 3000;
/** Longest wait for the interactions of the dormant sessions to reach their queue. */
const QUEUED_WAIT_MS = 180_000;

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

export interface ScenarioResult {
  scenario: Exclude<Scenario, 'ceilings'>;
  mode: Mode;
  title: string;
  parameters: Record<string, number | string>;
  clients: Merged;
  steady: Steady;
  /** Async: memory of the dormant sessions, measured before the active ones start. */
  dormant?: {
    sessions: number;
    rssBytesPerSession: number;
    heapBytesPerSession: number;
    creationSeconds: number;
    /** How long after the last was created their interactions were all in their queue (undefined: not within the wait). */
    queuedAfterSeconds?: number;
  };
  routing: { taken: number; errors: number };
  /** Cluster, REST: engine RPC calls per customer REST operation, probed before the load. */
  rpcCost?: RpcCost;
  samples: Sample[];
}

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

interface Harness {
  product: Product;
  pool: WorkerPool;
  router: Routing;
  sampler: Sampler;
}

/**
 * Starts the product (embedded, or the cluster), the workers, the router and the sampler; runs `body`; stops them
 * all again. The embedded product is routed through its router surface; the cluster, which has none, directly.
 */
async function onProduct<T>(ctx: RunContext, pool: WorkerPool, body: (h: Harness) => Promise<T>): Promise<T> {
  const { options } = ctx;
  const product = await (options.mode === 'cluster' ? startCluster : startProduct)(options.serverNodeOptions, ctx.logFile, ctx.profileDir);
  const dispatch = (worker: number, sessionId: string, join: Record<string, unknown>) => pool.join(worker, sessionId, join);
  const router =
    product.esp === undefined
      ? new DirectRouting(dispatch)
      : new BenchRouter(product.esp, CHAT_QUEUE, options.routerPollMs, options.timeoutSeconds * 1000, dispatch);
  pool.onRoute((worker, sessionId) => router.own(sessionId, worker));
  const sampler = new Sampler(
    product.pids,
    product.metrics,
    options.metricsSeconds * 1000,
    () => [process.pid, ...pool.pids],
    () => pool.counters(),
  );
  router.start();
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
    return await body({ product, pool, router, sampler });
  } finally {
    clearInterval(progress);
    sampler.stop();
    await router.stop();
    await product.stop();
  }
}

async function withPool<T>(ctx: RunContext, body: (pool: WorkerPool) => Promise<T>): Promise<T> {
  const pool = await WorkerPool.start(ctx.options.workers, ctx.options.timeoutSeconds * 1000, ctx.logFile);
  try {
    return await body(pool);
  } finally {
    await pool.stop();
  }
}

/** The reference session: `sessions` held at once, each `sessionSeconds` long, opened for ramp-up and steady state. */
function referenceTask(o: Options, transport: CustomerTransport, sessions: number): ChatTask {
  return {
    kind: 'chat',
    transport,
    cometdTransport: o.cometdTransport,
    service: CHAT_SERVICE,
    ratePerSecond: sessions / o.sessionSeconds / o.workers,
    openMs: (o.sessionSeconds + o.steadySeconds) * 1000,
    sessionMs: o.sessionSeconds * 1000,
    messagesPerSide: o.messagesPerSide,
    messageBytes: o.messageBytes,
    chatsPerAgent: o.chatsPerAgent,
    pollMs: o.pollSeconds * 1000,
    graceMs: o.graceSeconds * 1000,
  };
}

function parametersOf(task: ChatTask, o: Options, sessions: number): Record<string, number | string> {
  return {
    sessions,
    transport: task.transport === 'cometd' ? `cometd (${task.cometdTransport})` : `rest (refresh every ${task.pollMs / 1000} s)`,
    sessionsPerSecond: Math.round(task.ratePerSecond * o.workers * 10) / 10,
    sessionSeconds: task.sessionMs / 1000,
    openSeconds: task.openMs / 1000,
    messagesPerSide: task.messagesPerSide,
    messageBytes: task.messageBytes,
    chatsPerAgent: task.chatsPerAgent,
    workers: o.workers,
  };
}

/** What the title of a scenario says of the mode: nothing for the embedded product. */
function modeNote(o: Options): string {
  return o.mode === 'cluster' ? ', cluster (3 engines, 2 gateways, every message saved)' : '';
}

/** Runs `task` in every worker (rate split evenly) and sums up the window `[from, to]` seconds after its start. */
async function runChatTask(h: Harness, task: ChatTask, window: (start: number) => [number, number]): Promise<{ clients: Merged; steady: Steady }> {
  const start = h.sampler.now();
  const clients = await h.pool.run(() => task, h.product.targets);
  const [from, to] = window(start);
  return { clients, steady: steadyOf(h.sampler.samples, from, to) };
}

/** The reference scenario, all sessions active, with CometD or REST short-polling customers. */
export async function reference(ctx: RunContext, transport: CustomerTransport): Promise<ScenarioResult> {
  const o = ctx.options;
  const sessions = transport === 'cometd' ? o.cometdSessions : o.restSessions;
  const task = referenceTask(o, transport, sessions);
  return withPool(ctx, (pool) =>
    onProduct(ctx, pool, async (h) => {
      const { engineMetrics } = h.product;
      const rpcCost = transport === 'rest' && engineMetrics ? await probeRpcCost(h.product.targets[0].http, engineMetrics) : undefined;
      const { clients, steady } = await runChatTask(h, task, (start) => [start + o.sessionSeconds, start + o.sessionSeconds + o.steadySeconds]);
      return {
        ...(rpcCost ? { rpcCost } : {}),
        scenario: transport,
        mode: o.mode,
        title: `${transport === 'cometd' ? 'CometD' : 'REST short polling'}, all active, ${sessions.toLocaleString('en-US')} sessions${modeNote(o)}`,
        parameters: parametersOf(task, o, sessions),
        clients,
        steady,
        routing: { taken: h.router.taken, errors: h.router.errors },
        samples: h.sampler.samples,
      };
    }),
  );
}

/** Sessions created and closed per second: short REST chats (one message each way) opened at `churnRate`. */
export async function churn(ctx: RunContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const task: ChatTask = {
    ...referenceTask(o, 'rest', 0),
    ratePerSecond: o.churnRate / o.workers,
    openMs: o.churnSeconds * 1000,
    sessionMs: 0,
    messagesPerSide: 1,
    pollMs: CHURN_POLL_MS,
  };
  return withPool(ctx, (pool) =>
    onProduct(ctx, pool, async (h) => {
      const { clients, steady } = await runChatTask(h, task, (start) => [start + 1, start + 1 + o.churnSeconds]);
      return {
        scenario: 'churn',
        mode: o.mode,
        title: `Session churn (REST), ${o.churnRate}/s for ${o.churnSeconds} s${modeNote(o)}`,
        parameters: { ...parametersOf(task, o, 0), sessions: '-', sessionsPerSecond: o.churnRate, churnSeconds: o.churnSeconds },
        clients,
        steady,
        routing: { taken: h.router.taken, errors: h.router.errors },
        samples: h.sampler.samples,
      };
    }),
  );
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Seconds until `count` interactions wait in `queue` (the interaction bridge has submitted them all), read from the
 * router surface every 2 s; undefined if that takes longer than `waitMs`.
 */
async function queuedAfter(esp: string, queue: string, count: number, waitMs: number): Promise<number | undefined> {
  const agent = keepAlive(1);
  const start = performance.now();
  try {
    while (performance.now() - start < waitMs) {
      const queues = await httpJson<Array<{ queue: string; waiting: number }>>(agent, 'GET', new URL('/router/queues', esp), undefined, {
        what: 'router queues',
        timeoutMs: waitMs,
      }).catch(() => undefined);
      if ((queues?.body.find((q) => q.queue === queue)?.waiting ?? 0) >= count) return Math.round((performance.now() - start) / 100) / 10;
      await pause(2000);
    }
    return undefined;
  } finally {
    agent.destroy();
  }
}

/**
 * Async 1:N: dormant sessions (customer present, no agent, one message) are created first; once their interactions
 * are all queued (the server has done all it does for a new session), the server's memory is compared with before.
 * Then the active ones run the reference scenario (CometD) while the dormant are held.
 */
export async function asyncSessions(ctx: RunContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const dormant = Math.round((o.asyncSessions * o.asyncRatio) / (o.asyncRatio + 1));
  const active = o.asyncSessions - dormant;
  const task = referenceTask(o, 'cometd', active);
  return withPool(ctx, (pool) =>
    onProduct(ctx, pool, async (h) => {
      const { esp } = h.product;
      if (esp === undefined) throw new Error('the async scenario waits on the router surface of the embedded mode');
      await pause(SETTLE_MS);
      const before = await h.sampler.sample(true);
      const created = await pool.run(
        (i): Task => ({
          kind: 'dormant',
          service: ASYNC_SERVICE,
          sessions: share(dormant, pool.size, i),
          concurrency: Math.max(1, Math.ceil(o.dormantConcurrency / pool.size)),
          messageBytes: o.messageBytes,
          messageIntervalMs: o.dormantMessageSeconds * 1000,
        }),
        h.product.targets,
      );
      const queuedAfterSeconds = await queuedAfter(esp, ASYNC_QUEUE, created.counters.created, QUEUED_WAIT_MS);
      await pause(SETTLE_MS);
      const after = await h.sampler.sample(true);
      const count = Math.max(1, created.counters.created);
      const perSession = (a: number | undefined, b: number | undefined) =>
        a === undefined || b === undefined ? NaN : Math.round(((a - b) * 1024 * 1024) / count);
      const { clients, steady } = await runChatTask(h, task, (start) => [start + o.sessionSeconds, start + o.sessionSeconds + o.steadySeconds]);
      for (const [what, n] of Object.entries(created.errors)) clients.errors[what] = (clients.errors[what] ?? 0) + n;
      clients.counters.errors += created.counters.errors;
      return {
        scenario: 'async',
        mode: o.mode,
        title: `Async 1:${o.asyncRatio}, ${o.asyncSessions.toLocaleString('en-US')} sessions (dormant REST + active CometD)`,
        parameters: { ...parametersOf(task, o, active), sessions: o.asyncSessions, dormant, active, dormantMessageSeconds: o.dormantMessageSeconds },
        clients,
        steady,
        dormant: {
          sessions: created.counters.created,
          rssBytesPerSession: perSession(after?.serverRssMb, before?.serverRssMb),
          heapBytesPerSession: perSession(after?.heapUsedMb, before?.heapUsedMb),
          creationSeconds: Math.round(created.elapsedMs / 100) / 10,
          queuedAfterSeconds,
        },
        routing: { taken: h.router.taken, errors: h.router.errors },
        samples: h.sampler.samples,
      };
    }),
  );
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
      service: CHAT_SERVICE,
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
